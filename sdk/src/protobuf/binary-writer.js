// Growable writer of protobuf wire primitives.
//
// Length-delimited values (nested messages, packed runs, strings) are written
// in one pass: one byte is reserved for the length, the body is written after
// it, and if the length needs more than one varint byte the body is shifted
// right. Most bodies are < 128 bytes, so the shift is rare and there is no
// separate size pass.

const utf8Encoder = new TextEncoder();

export class BinaryWriter {
  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  ensure(n) {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  // The written bytes, as a right-sized copy.
  finish() {
    return this.buf.slice(0, this.pos);
  }

  tag(fieldNo, wireType) {
    this.uint32(((fieldNo << 3) | wireType) >>> 0);
  }

  uint32(value) {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    value >>>= 0;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  // Negative int32 values are sign-extended to 64 bits (10 bytes), as the spec requires.
  int32(value) {
    if (value >= 0) this.uint32(value);
    else this.varint64(value >>> 0, 0xffffffff);
  }

  sint32(value) {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  // 64-bit varint from two unsigned 32-bit halves.
  varint64(lo, hi) {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi !== 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  // `value` is a bigint already range-checked by the caller.
  int64(value) {
    const u = BigInt.asUintN(64, value);
    this.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  uint64(value) {
    this.int64(value);
  }

  sint64(value) {
    const zz = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
    this.varint64(Number(zz & 0xffffffffn), Number(zz >> 32n));
  }

  bool(value) {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  fixed32(value) {
    this.ensure(4);
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  sfixed32(value) {
    this.ensure(4);
    this.view.setInt32(this.pos, value, true);
    this.pos += 4;
  }

  fixed64(value) {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
  }

  sfixed64(value) {
    this.ensure(8);
    this.view.setBigInt64(this.pos, BigInt.asIntN(64, value), true);
    this.pos += 8;
  }

  float(value) {
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
  }

  double(value) {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  bytes(value) {
    this.uint32(value.length);
    this.raw(value);
  }

  raw(value) {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  string(value) {
    // UTF-8 needs at most 3 bytes per UTF-16 code unit.
    const max = value.length * 3;
    if (max < 128) {
      this.ensure(1 + max);
      const start = this.pos;
      const { written } = utf8Encoder.encodeInto(value, this.buf.subarray(start + 1));
      this.buf[start] = written;
      this.pos = start + 1 + written;
      return;
    }
    const start = this.beginDelimited();
    this.ensure(max);
    const { written } = utf8Encoder.encodeInto(value, this.buf.subarray(this.pos));
    this.pos += written;
    this.endDelimited(start);
  }

  // Reserve one byte for a length prefix; returns the body's start marker.
  beginDelimited() {
    this.ensure(1);
    return this.pos++;
  }

  // Write the length of the body begun at `start`, shifting the body right if
  // the length needs more than one byte.
  endDelimited(start) {
    const bodyStart = start + 1;
    const len = this.pos - bodyStart;
    if (len < 0x80) {
      this.buf[start] = len;
      return;
    }
    let size = 1;
    for (let v = len >>> 7; v > 0; v >>>= 7) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(bodyStart + size - 1, bodyStart, this.pos);
    let pos = start;
    let v = len;
    while (v > 0x7f) {
      this.buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[pos] = v;
    this.pos += size - 1;
  }
}
