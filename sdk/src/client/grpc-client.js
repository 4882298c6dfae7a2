// The runtime of generated gRPC clients (`client-stub --transport grpc`),
// inlined into the generated module together with the SDK's protobuf codec:
// node:http2 (cleartext h2c for http://, TLS for https://), length-prefixed
// binary messages, status from the grpc-status/grpc-message trailers.
//
// Requests are ProtoJSON objects or protobuf-es init objects (the rule the
// SDK applies to handler responses: ProtoJSON first, else an init object);
// responses are returned as ProtoJSON objects (json names, int64 as strings,
// enum names, defaults omitted), the same shape a Connect client returns.
//
//   unary             (request, options) → Promise<response>
//   server streaming  (request, options) → AsyncIterable<response>
//   client streaming  (requests: (async) iterable, options) → Promise<response>
//   bidi streaming    (requests: (async) iterable, options) → AsyncIterable<response>
//
// Streaming calls start when iteration starts; leaving a `for await` early
// cancels the call. A failed call throws a GrpcClientError (`name` "GrpcError")
// with the numeric `code`, its `codeName`, `message` and the trailing `metadata`.
import http2 from "node:http2";
import { decodeMessage } from "../protobuf/decode.js";
import { encodeMessage } from "../protobuf/encode.js";
import { toJson } from "../protobuf/json/to-json.js";
import { normalizeResponse } from "../protobuf/normalize.js";
import { Registry } from "../protobuf/registry.js";
import { buildClient, headerEntries } from "./client-shape.js";
import { CODE_NAMES as STATUS_NAMES } from "../status-names.js";

export const CODE_NAMES = STATUS_NAMES;
const CANCELLED = 1;
const UNKNOWN = 2;
const DEADLINE_EXCEEDED = 4;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;

export class GrpcClientError extends Error {
  constructor(code, message, metadata = {}, options) {
    super(message, options);
    this.name = "GrpcError";
    this.code = code;
    this.codeName = CODE_NAMES[code] ?? "UNKNOWN";
    this.metadata = metadata;
  }
}

// gRPC over HTTP/2: an HTTP status without grpc-status maps like this.
function codeForHttpStatus(status) {
  switch (status) {
    case 400:
      return INTERNAL;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return UNAVAILABLE;
    default:
      return UNKNOWN;
  }
}

function decodeGrpcMessage(value) {
  if (value === undefined) return "";
  const text = Array.isArray(value) ? value[0] : String(value);
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function frame(bytes) {
  const out = new Uint8Array(5 + bytes.length);
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

// Length-prefixed messages out of DATA chunks.
class FrameReader {
  constructor() {
    this.pending = [];
    this.size = 0;
  }

  push(chunk) {
    this.pending.push(chunk);
    this.size += chunk.length;
    const messages = [];
    while (this.size >= 5) {
      const head = this.take(5, false);
      const length = ((head[1] << 24) >>> 0) + (head[2] << 16) + (head[3] << 8) + head[4];
      if (this.size < 5 + length) break;
      this.take(5, true);
      if (head[0] !== 0) throw new GrpcClientError(INTERNAL, "received a compressed message, but no compression was offered");
      messages.push(this.take(length, true));
    }
    return messages;
  }

  take(n, consume) {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    if (consume) {
      this.pending = all.length > n ? [all.subarray(n)] : [];
      this.size -= n;
    } else {
      this.pending = [all];
    }
    return all.subarray(0, n);
  }
}

function metadataObject(headers) {
  const out = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.startsWith(":") || key === "grpc-status" || key === "grpc-message") continue;
    out[key] = value;
  }
  return out;
}

const registries = new WeakMap();

function registryFor(defaults) {
  let registry = registries.get(defaults);
  if (registry === undefined) {
    registry = Registry.fromFileDescriptorSet(defaults.descriptor);
    registries.set(defaults, registry);
  }
  return registry;
}

// options: { baseUrl ("http://host:port", "https://…" or "host:port"),
// metadata ({key: value | [values]}), token (→ authorization: Bearer),
// capset / instance (OctoBus routing metadata x-octobus-capset /
// x-octobus-instance), timeoutMs, http2 (options for http2.connect) }.
// Per call: { metadata, signal, timeoutMs }.
export function createGrpcClient(services, defaults, options = {}) {
  const registry = registryFor(defaults);
  const rawBase = options.baseUrl ?? defaults.baseUrl;
  if (!rawBase) throw new TypeError("baseUrl is required (e.g. http://127.0.0.1:50051)");
  const base = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(rawBase) ? rawBase : `http://${rawBase}`);
  if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError(`unsupported baseUrl scheme ${base.protocol}`);
  const origin = base.origin;
  const pathPrefix = base.pathname.replace(/\/+$/, "");
  const clientMetadata = headerEntries(options.metadata);
  if (options.token !== undefined) clientMetadata.push(["authorization", `Bearer ${options.token}`]);
  if (options.capset !== undefined) clientMetadata.push(["x-octobus-capset", String(options.capset)]);
  if (options.instance !== undefined) clientMetadata.push(["x-octobus-instance", String(options.instance)]);

  let session;
  let closed = false;
  // Calls in flight per session: a session keeps the process alive only
  // while it has some (so a forgotten close() does not hang a script).
  const activeCalls = new WeakMap();

  function getSession() {
    if (closed) throw new GrpcClientError(CANCELLED, "the client is closed");
    if (session !== undefined && !session.closed && !session.destroyed) return session;
    const s = http2.connect(origin, options.http2);
    s.on("error", () => {}); // reported through the streams
    const forget = () => {
      if (session === s) session = undefined;
    };
    s.on("close", forget);
    s.on("goaway", forget);
    s.unref();
    session = s;
    return s;
  }

  // A request value → its bytes, or a GrpcClientError (INTERNAL).
  function encodeRequest(method, value) {
    try {
      const input = registry.getMessage(method.input);
      return encodeMessage(input, normalizeResponse(input, value));
    } catch (error) {
      throw new GrpcClientError(INTERNAL, `cannot encode request for ${method.name}: ${error.message}`, {}, { cause: error });
    }
  }

  // One HTTP/2 stream. Returns { write(bytes), send(value), end(), cancel(),
  // messages(), finished } where messages() yields decoded response messages
  // and throws on a non-OK status once the stream is over.
  function open(method, call) {
    const output = registry.getMessage(method.output);
    const headers = {
      ":method": "POST",
      ":path": pathPrefix + method.path,
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-accept-encoding": "identity",
      "user-agent": "octobus-sdk-generated-client",
    };
    const timeoutMs = call.timeoutMs ?? options.timeoutMs;
    if (timeoutMs !== undefined) headers["grpc-timeout"] = `${Math.max(1, Math.ceil(timeoutMs))}m`;
    // Per-call metadata replaces the client's values of the same key.
    const callMetadata = headerEntries(call.metadata);
    const callKeys = new Set(callMetadata.map(([key]) => key));
    for (const [key, value] of [...clientMetadata.filter(([key]) => !callKeys.has(key)), ...callMetadata]) {
      const text = value instanceof Uint8Array ? Buffer.from(value).toString("base64") : String(value);
      headers[key] = headers[key] === undefined ? text : [].concat(headers[key], text);
    }

    const s = getSession();
    const stream = s.request(headers);
    activeCalls.set(s, (activeCalls.get(s) ?? 0) + 1);
    s.ref();

    const queue = [];
    let waiter;
    let status; // { code, message, metadata } once known
    let responseHeaders = {};
    let streamError;
    const reader = new FrameReader();

    const wake = () => {
      const w = waiter;
      waiter = undefined;
      w?.();
    };
    const finish = (final) => {
      if (status !== undefined) return;
      status = final;
      const left = activeCalls.get(s) - 1;
      activeCalls.set(s, left);
      if (left === 0 && !s.destroyed) s.unref();
      clearTimeout(timer);
      call.signal?.removeEventListener("abort", onAbort);
      wake();
    };
    const cancel = (code, message) => {
      if (status !== undefined) return;
      finish({ code, message, metadata: {} });
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_CANCEL);
    };
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => cancel(DEADLINE_EXCEEDED, "deadline exceeded"), timeoutMs);
    const onAbort = () => cancel(CANCELLED, "cancelled by the caller");
    if (call.signal?.aborted) onAbort();
    else call.signal?.addEventListener("abort", onAbort, { once: true });

    stream.on("response", (h) => {
      responseHeaders = h;
    });
    stream.on("data", (chunk) => {
      if (status !== undefined) return;
      let messages;
      try {
        messages = reader.push(chunk);
      } catch (error) {
        cancel(error.code ?? INTERNAL, error.message);
        return;
      }
      for (const bytes of messages) {
        try {
          queue.push(toJson(output, decodeMessage(output, bytes)));
        } catch (error) {
          cancel(INTERNAL, `cannot decode response ${output.typeName}: ${error.message}`);
          return;
        }
      }
      if (queue.length > 32) stream.pause();
      wake();
    });
    let trailers;
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.on("error", (error) => {
      streamError = error;
    });
    stream.on("close", () => {
      const source = trailers?.["grpc-status"] !== undefined ? trailers : responseHeaders;
      if (source["grpc-status"] !== undefined) {
        finish({
          code: Number(source["grpc-status"]),
          message: decodeGrpcMessage(source["grpc-message"]),
          metadata: { ...metadataObject(responseHeaders), ...metadataObject(trailers) },
        });
      } else if (responseHeaders[":status"] !== undefined && responseHeaders[":status"] !== 200) {
        const httpStatus = responseHeaders[":status"];
        finish({ code: codeForHttpStatus(httpStatus), message: `HTTP status ${httpStatus}`, metadata: metadataObject(responseHeaders) });
      } else if (streamError !== undefined) {
        finish({ code: UNAVAILABLE, message: streamError.message, metadata: {} });
      } else {
        finish({ code: INTERNAL, message: `stream closed without a grpc-status (RST_STREAM ${stream.rstCode})`, metadata: {} });
      }
    });

    // Resolves when the frame is queued, or once HTTP/2 flow control lets
    // more through (or the stream is gone).
    const write = (bytes) => {
      if (status !== undefined) return Promise.resolve();
      if (stream.write(frame(bytes))) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          stream.off("drain", done);
          stream.off("close", done);
          resolve();
        };
        stream.on("drain", done);
        stream.on("close", done);
      });
    };

    return {
      write,
      send(value) {
        let bytes;
        try {
          bytes = encodeRequest(method, value);
        } catch (error) {
          cancel(error.code, error.message);
          throw error;
        }
        return write(bytes);
      },
      end() {
        if (!stream.destroyed && !stream.writableEnded) stream.end();
      },
      cancel,
      get finished() {
        return status !== undefined;
      },
      async *messages() {
        for (;;) {
          if (queue.length > 0) {
            const next = queue.shift();
            if (queue.length < 8 && stream.isPaused()) stream.resume();
            yield next;
            continue;
          }
          if (status !== undefined) break;
          await new Promise((resolve) => {
            waiter = resolve;
          });
        }
        if (status.code !== 0) throw new GrpcClientError(status.code, status.message, status.metadata);
      },
    };
  }

  async function sendAll(call, requests) {
    try {
      for await (const request of requests) {
        if (call.finished) break;
        await call.send(request);
      }
      call.end();
    } catch (error) {
      call.cancel(CANCELLED, `the request stream failed: ${error?.message ?? error}`);
      throw error;
    }
  }

  async function single(call) {
    let response;
    let count = 0;
    for await (const message of call.messages()) {
      response = message;
      count++;
    }
    if (count !== 1) {
      throw new GrpcClientError(count === 0 ? INTERNAL : UNIMPLEMENTED, `expected one response message, got ${count}`);
    }
    return response;
  }

  async function* stream(call, sending) {
    let done = false;
    try {
      yield* call.messages();
      done = true;
      await sending;
    } finally {
      // An early `break` (or a throw in the loop body) ends the call.
      if (!done) call.cancel(CANCELLED, "the caller stopped reading");
    }
  }

  function invoke(method, request, callOptions) {
    switch (method.kind) {
      case "unary":
        return (async () => {
          const bytes = encodeRequest(method, request); // nothing is sent if this throws
          const call = open(method, callOptions);
          await call.write(bytes);
          call.end();
          return single(call);
        })();
      case "server_streaming":
        return (async function* () {
          const bytes = encodeRequest(method, request);
          const call = open(method, callOptions);
          await call.write(bytes);
          call.end();
          yield* stream(call);
        })();
      case "client_streaming":
        return (async () => {
          const call = open(method, callOptions);
          const [response] = await Promise.all([single(call), sendAll(call, request)]);
          return response;
        })();
      case "bidi_streaming":
        return (async function* () {
          const call = open(method, callOptions);
          const sending = sendAll(call, request);
          sending.catch(() => {}); // surfaced by `await sending` in stream()
          yield* stream(call, sending);
        })();
      default:
        throw new TypeError(`unknown method kind ${method.kind}`);
    }
  }

  return buildClient(services, invoke, () => {
    closed = true;
    session?.close();
    session = undefined;
  });
}
