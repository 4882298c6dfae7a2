// A minimal gRPC client over node:http2 for tests that must see the wire:
// frame flags, header values, RST_STREAM, flow-control windows.
import http2 from "node:http2";
import zlib from "node:zlib";
import { FrameDecoder, encodeFrame } from "../src/server/framing.js";
import { decodeGrpcMessage } from "../src/server/status-trailers.js";

export function connect(port, options = {}) {
  const session = http2.connect(`http://127.0.0.1:${port}`, options);
  session.on("error", () => {});
  return session;
}

export function frame(payload, { gzip = false } = {}) {
  return gzip ? encodeFrame(zlib.gzipSync(payload), true) : encodeFrame(payload, false);
}

// Start a call; returns the stream plus a promise of its outcome:
// { headers, trailers, status, message, frames: [{compressed, payload}] }.
export function startCall(session, path, { headers = {}, body, end = true } = {}) {
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
    ...headers,
  });
  stream.on("error", () => {});
  const decoder = new FrameDecoder();
  const result = { headers: undefined, trailers: undefined, frames: [], rstCode: undefined };
  stream.on("response", (h) => {
    result.headers = h;
  });
  stream.on("trailers", (t) => {
    result.trailers = t;
  });
  stream.on("data", (chunk) => result.frames.push(...decoder.push(chunk)));
  const outcome = new Promise((resolve) => {
    stream.on("close", () => {
      result.rstCode = stream.rstCode;
      const source = result.trailers ?? result.headers ?? {};
      result.status = source["grpc-status"] === undefined ? undefined : Number(source["grpc-status"]);
      result.message = source["grpc-message"] === undefined ? undefined : decodeGrpcMessage(source["grpc-message"]);
      resolve(result);
    });
  });
  if (body !== undefined) {
    if (end) stream.end(body);
    else stream.write(body);
  } else if (end) {
    stream.end();
  }
  return { stream, outcome };
}

export async function unary(session, path, payload, options = {}) {
  const { outcome } = startCall(session, path, { ...options, body: frame(payload, options) });
  return outcome;
}
