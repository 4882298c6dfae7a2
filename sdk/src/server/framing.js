import { GrpcError } from "../errors/grpc-error.js";
import { INTERNAL, RESOURCE_EXHAUSTED } from "../status.js";

// gRPC length-prefixed messages: 1 byte compressed flag, 4 bytes big-endian
// length, then the payload (gRPC over HTTP/2, "Length-Prefixed-Message").
export const FRAME_HEADER_BYTES = 5;

export function encodeFrame(payload, compressed = false) {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame[0] = compressed ? 1 : 0;
  frame.writeUInt32BE(payload.length, 1);
  if (payload.length > 0) frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

// Splits a byte stream into messages. The size limit is checked on the length
// prefix, before the payload is buffered, so an oversized message costs no
// memory: the caller fails the call with RESOURCE_EXHAUSTED.
export class FrameDecoder {
  #chunks = [];
  #buffered = 0;
  #maxMessageBytes;

  constructor({ maxMessageBytes = Infinity } = {}) {
    this.#maxMessageBytes = maxMessageBytes < 0 ? Infinity : maxMessageBytes;
  }

  // True when bytes of an unfinished message are pending; at end of stream
  // that is a protocol error.
  get hasPartialMessage() {
    return this.#buffered > 0;
  }

  // Returns the complete messages in `chunk` (plus what was pending) as
  // `{ compressed, payload }`.
  push(chunk) {
    const messages = [];
    if (this.#buffered === 0 && chunk.length >= FRAME_HEADER_BYTES) {
      // Fast path: whole messages inside one chunk need no copying.
      let offset = 0;
      while (chunk.length - offset >= FRAME_HEADER_BYTES) {
        const length = this.#readHeader(chunk, offset);
        const end = offset + FRAME_HEADER_BYTES + length;
        if (end > chunk.length) break;
        messages.push({ compressed: chunk[offset] === 1, payload: chunk.subarray(offset + FRAME_HEADER_BYTES, end) });
        offset = end;
      }
      if (offset === chunk.length) return messages;
      chunk = chunk.subarray(offset);
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    while (this.#buffered >= FRAME_HEADER_BYTES) {
      const head = this.#peek(FRAME_HEADER_BYTES);
      const length = this.#readHeader(head, 0);
      if (this.#buffered < FRAME_HEADER_BYTES + length) break;
      const whole = this.#take(FRAME_HEADER_BYTES + length);
      messages.push({ compressed: whole[0] === 1, payload: whole.subarray(FRAME_HEADER_BYTES) });
    }
    return messages;
  }

  #readHeader(buffer, offset) {
    const flag = buffer[offset];
    if (flag !== 0 && flag !== 1) {
      throw new GrpcError(INTERNAL, `invalid gRPC message flag ${flag}`);
    }
    const length = buffer.readUInt32BE(offset + 1);
    if (length > this.#maxMessageBytes) {
      throw new GrpcError(
        RESOURCE_EXHAUSTED,
        `Received message larger than max (${length} vs. ${this.#maxMessageBytes})`,
      );
    }
    return length;
  }

  #peek(n) {
    if (this.#chunks[0].length >= n) return this.#chunks[0];
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined;
  }

  #take(n) {
    const joined = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks);
    const taken = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return taken;
  }
}
