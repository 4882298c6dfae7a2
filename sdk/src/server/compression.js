import { promisify } from "node:util";
import zlib from "node:zlib";
import { GrpcError } from "../errors/grpc-error.js";
import { RESOURCE_EXHAUSTED, INTERNAL } from "../status.js";

// Message compression (gRPC "Compression" doc): the request's `grpc-encoding`
// names the algorithm of messages whose flag byte is 1. Only zlib-family
// algorithms exist in Node's standard library, so those are what we accept.
export const SUPPORTED_ENCODINGS = ["identity", "deflate", "gzip"];
export const ACCEPT_ENCODING = SUPPORTED_ENCODINGS.join(",");

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

export function isSupportedEncoding(name) {
  return SUPPORTED_ENCODINGS.includes(name);
}

// Decompress into at most `maxBytes`, so a small compressed message cannot
// expand into an unbounded buffer ("zip bomb").
export async function decompress(encoding, payload, maxBytes = Infinity) {
  const options = Number.isFinite(maxBytes) && maxBytes >= 0 ? { maxOutputLength: Math.max(1, maxBytes) } : {};
  try {
    if (encoding === "gzip") return await gunzip(payload, options);
    if (encoding === "deflate") return await inflate(payload, options);
  } catch (error) {
    if (error?.code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new GrpcError(RESOURCE_EXHAUSTED, `Received message larger than max (decompressed size exceeds ${maxBytes})`);
    }
    throw new GrpcError(INTERNAL, `failed to decompress ${encoding} message: ${error.message}`);
  }
  throw new GrpcError(INTERNAL, `compressed message received with grpc-encoding ${JSON.stringify(encoding)}`);
}

export async function compress(encoding, payload) {
  if (encoding === "gzip") return gzip(payload);
  if (encoding === "deflate") return deflate(payload);
  return payload;
}

// Responses are compressed with the algorithm the client used for its request
// when the client also lists it in grpc-accept-encoding (grpc-go does the
// same); otherwise they are sent uncompressed.
export function chooseResponseEncoding(requestEncoding, acceptEncodingHeader) {
  if (!requestEncoding || requestEncoding === "identity" || !isSupportedEncoding(requestEncoding)) {
    return "identity";
  }
  const accepted = String(acceptEncodingHeader ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase());
  return accepted.includes(requestEncoding) ? requestEncoding : "identity";
}
