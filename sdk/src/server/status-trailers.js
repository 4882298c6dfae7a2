// `grpc-message` is percent-encoded: every byte of its UTF-8 form outside
// 0x20–0x7E, plus '%' itself, becomes %XX (gRPC over HTTP/2, "Responses").
export function encodeGrpcMessage(message) {
  const bytes = Buffer.from(String(message), "utf8");
  let plain = true;
  for (const b of bytes) {
    if (b < 0x20 || b > 0x7e || b === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return bytes.toString("latin1");
  let out = "";
  for (const b of bytes) {
    out += b < 0x20 || b > 0x7e || b === 0x25 ? `%${b.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(b);
  }
  return out;
}

export function decodeGrpcMessage(encoded) {
  const bytes = [];
  const text = String(encoded);
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

export function statusTrailers(code, message) {
  const trailers = { "grpc-status": String(code) };
  if (message) trailers["grpc-message"] = encodeGrpcMessage(message);
  return trailers;
}
