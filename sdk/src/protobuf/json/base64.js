// Base64 for ProtoJSON bytes: written as standard base64 with padding; read
// in the standard or the URL-safe alphabet, with or without padding. Unlike
// Buffer's decoder, stray characters are an error, not silently skipped.

const base64Pattern = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function base64Encode(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

// Returns a Uint8Array, or undefined if `text` is not base64.
export function base64Decode(text) {
  if (!base64Pattern.test(text)) return undefined;
  const body = text.replace(/=+$/, "");
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined; // padding, but wrong amount
  const buf = Buffer.from(body, "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice();
}
