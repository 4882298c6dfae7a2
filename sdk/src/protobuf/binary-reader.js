// Bounds-checked reading of protobuf wire primitives from a Uint8Array.
//
// Every read checks against `limit`, the end of the innermost length-delimited
// region being decoded (not just the end of the buffer), so a nested message
// can never read bytes that belong to its parent. Failures raise ProtobufError
// naming the problem, the byte offset and the field being read; the decoder
// keeps `fieldNo`/`fieldName` current for that purpose.
import { ProtobufError } from "./errors.js";

export class BinaryReader {
  constructor(bytes) {
    this.buf = bytes;
    this.pos = 0;
    this.limit = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // A Buffer view of the same memory, made on the first string: Buffer's
    // UTF-8 decoding is several times faster than TextDecoder's.
    this.text = undefined;
    this.depth = 0;
    // Error context: the field whose value is being read (0 while reading a tag).
    this.fieldNo = 0;
    this.fieldName = "";
    this.messageName = "";
    // Scratch for 64-bit varints, to avoid allocating a tuple per read.
    this.lo = 0;
    this.hi = 0;
    // Closed-enum values the enum does not list, waiting to become unknown fields.
    this.rejected = undefined;
    // Whether decoded messages get proto-name aliases (decodeMessage option).
    this.aliases = false;
  }

  // Throws ProtobufError: "<problem> at offset N while reading <what> of field
  // 3 (pkg.Msg.field)". Without `what`, the field is named in parentheses.
  fail(problem, offset = this.pos, what = undefined) {
    let subject = "";
    if (this.fieldNo !== 0) {
      subject = `field ${this.fieldNo}${this.fieldName !== "" ? ` (${this.fieldName})` : ""}`;
    } else if (this.messageName !== "") {
      subject = `message ${this.messageName}`;
    }
    let text = `${problem} at offset ${offset}`;
    if (what !== undefined) {
      text += ` while reading ${what}`;
      if (subject !== "") text += this.fieldNo !== 0 ? ` of ${subject}` : ` in ${subject}`;
    } else if (subject !== "") {
      text += ` (${subject})`;
    }
    throw new ProtobufError(text);
  }

  // Unsigned 32-bit varint. Longer encodings (negative int32 values are
  // written sign-extended to 10 bytes) keep their low 32 bits.
  uint32() {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    if (pos < limit) {
      const b = buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= limit) this.fail("premature end of input", start, this.fieldNo !== 0 ? "varint" : "tag");
      const b = buf[pos++];
      if (shift < 32) result |= (b & 0x7f) << shift;
      shift += 7;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    this.fail("varint longer than 10 bytes", start, this.fieldNo !== 0 ? "varint" : "tag");
  }

  int32() {
    return this.uint32() | 0;
  }

  sint32() {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  // Reads a 64-bit varint into this.lo / this.hi (each an unsigned 32-bit number).
  varint64() {
    const buf = this.buf;
    const limit = this.limit;
    const start = this.pos;
    let pos = start;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (pos >= limit) this.fail("premature end of input", start, this.fieldNo !== 0 ? "varint" : "tag");
      const b = buf[pos++];
      if (i < 4) {
        lo |= (b & 0x7f) << (7 * i);
      } else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else {
        hi |= (b & 0x7f) << (7 * i - 32);
      }
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail("varint longer than 10 bytes", start, this.fieldNo !== 0 ? "varint" : "tag");
  }

  uint64() {
    this.varint64();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  int64() {
    this.varint64();
    if (this.hi === 0) return BigInt(this.lo);
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  sint64() {
    this.varint64();
    const lo = this.lo;
    const hi = this.hi;
    const sign = -(lo & 1);
    const dlo = (((lo >>> 1) | ((hi & 1) << 31)) ^ sign) >>> 0;
    const dhi = ((hi >>> 1) ^ sign) >>> 0;
    return BigInt.asIntN(64, (BigInt(dhi) << 32n) | BigInt(dlo));
  }

  bool() {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  need(n, what) {
    if (this.limit - this.pos < n) {
      this.fail(`premature end of input (need ${n} bytes, ${this.limit - this.pos} left)`, this.pos, what);
    }
  }

  fixed32() {
    this.need(4, "32-bit value");
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  sfixed32() {
    this.need(4, "32-bit value");
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  fixed64() {
    this.need(8, "64-bit value");
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  sfixed64() {
    this.need(8, "64-bit value");
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float() {
    this.need(4, "32-bit value");
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double() {
    this.need(8, "64-bit value");
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  // Reads a length prefix and returns the end offset of the delimited region,
  // after checking that it lies within the current limit.
  delimitedEnd() {
    const start = this.pos;
    const len = this.uint32();
    if (len > this.limit - this.pos) {
      this.fail(`length ${len} exceeds the ${this.limit - this.pos} remaining bytes`, start, "length-delimited value");
    }
    return this.pos + len;
  }

  bytes() {
    const end = this.delimitedEnd();
    const value = this.buf.slice(this.pos, end); // a copy: callers may reuse their buffers
    this.pos = end;
    return value;
  }

  string() {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    const buf = this.buf;
    // Short ASCII strings (ids, names) are cheapest to build by hand.
    if (end - start <= 16) {
      let s = "";
      let i = start;
      for (; i < end; i++) {
        const c = buf[i];
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === end) return s;
    }
    this.text ??= Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    // Invalid UTF-8 becomes U+FFFD, as in protobuf-es, rather than an error.
    return this.text.toString("utf8", start, end);
  }

  // Skips one value of the given wire type and returns its raw bytes (for
  // unknown-field preservation). Groups are skipped recursively, bounded by
  // the same depth limit as messages.
  skip(wireType, fieldNo, maxDepth) {
    const start = this.pos;
    switch (wireType) {
      case 0:
        this.varint64();
        break;
      case 1:
        this.need(8, "64-bit value");
        this.pos += 8;
        break;
      case 2:
        this.pos = this.delimitedEnd();
        break;
      case 5:
        this.need(4, "32-bit value");
        this.pos += 4;
        break;
      case 3:
        this.skipGroup(fieldNo, maxDepth);
        break;
      default:
        this.fail(`invalid wire type ${wireType}`);
    }
    return this.buf.slice(start, this.pos);
  }

  skipGroup(fieldNo, maxDepth) {
    if (++this.depth > maxDepth) this.fail(`groups nested deeper than ${maxDepth} levels`);
    const savedNo = this.fieldNo;
    for (;;) {
      if (this.pos >= this.limit) {
        this.fieldNo = fieldNo;
        this.fail("premature end of input: missing end-group tag");
      }
      const tagPos = this.pos;
      this.fieldNo = 0;
      const tag = this.uint32();
      const no = tag >>> 3;
      const wt = tag & 7;
      if (no === 0) this.fail("invalid tag with field number 0", tagPos);
      if (wt === 4) {
        if (no !== fieldNo) this.fail(`end-group tag for field ${no} does not match start-group field ${fieldNo}`, tagPos);
        break;
      }
      this.fieldNo = no;
      this.skip(wt, no, maxDepth);
    }
    this.fieldNo = savedNo;
    this.depth--;
  }
}
