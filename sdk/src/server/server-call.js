import { GrpcError } from "../errors/grpc-error.js";
import { Metadata } from "../metadata.js";
import { CANCELLED, DEADLINE_EXCEEDED, INTERNAL, OK, RESOURCE_EXHAUSTED, UNIMPLEMENTED } from "../status.js";
import { ACCEPT_ENCODING, chooseResponseEncoding, compress, decompress, isSupportedEncoding } from "./compression.js";
import { FrameDecoder, encodeFrame } from "./framing.js";
import { MAX_TIMER_MS, parseGrpcTimeout } from "./grpc-timeout.js";
import { statusTrailers } from "./status-trailers.js";

// Headers that belong to the transport, not to the application's metadata
// (grpc-js removes the same set before handing metadata to a handler).
const TRANSPORT_HEADERS = new Set([
  "content-type",
  "te",
  "grpc-timeout",
  "grpc-encoding",
  "grpc-accept-encoding",
  "accept-encoding",
  "content-length",
]);

// Response metadata names a handler may set: lower-case HTTP field names that
// are not pseudo-headers, transport headers or reserved for gRPC itself.
function checkMetadataName(name) {
  const key = String(name).toLowerCase();
  if (!/^[0-9a-z_.-]+$/.test(key) || key.startsWith("grpc-") || TRANSPORT_HEADERS.has(key) ||
      ["connection", "keep-alive", "transfer-encoding", "upgrade", "http2-settings", "host"].includes(key)) {
    throw new TypeError(`invalid response metadata name "${name}"`);
  }
  return key;
}

// Inbound messages queued for a handler that reads slowly. Past the high mark
// the HTTP/2 stream is paused, so Node stops granting the client flow-control
// window and the client's sends block instead of our memory growing.
const QUEUE_HIGH_WATER = 16;
const QUEUE_LOW_WATER = 4;

// One gRPC call on one HTTP/2 stream: reads length-prefixed request messages,
// writes responses with flow control, and ends with a status. Knows nothing
// about protobuf or handlers; the dispatcher drives it with raw bytes.
//
// A call finishes exactly once: by a status sent from our side (handler done,
// deadline, bad input, shutdown) or by the client going away (RST_STREAM or a
// lost connection). Finishing from the client side, a deadline, bad input or
// a forced shutdown aborts `signal` so the handler can stop its work.
export class ServerCall {
  path;
  metadata;
  deadline;

  #stream;
  #decoder;
  #requestEncoding;
  #responseEncoding;
  #maxSendMessageBytes;
  #maxReceiveMessageBytes;
  #setupError = null;

  #headersSent = false;
  // Response metadata set by the handler (ctx.setHeader / ctx.setTrailer).
  #responseHeaders = {};
  #responseTrailers = {};
  #finished = false;
  #cancelled = false;
  #trailers = null;
  #abort = null;
  #abortReason = null;

  #queue = [];
  #inputEnded = false;
  #inputError = null;
  #readerWake = null;
  #paused = false;
  #ordered = Promise.resolve();

  #drainWaiters = new Set();
  #deadlineTimer = null;
  #resolveDone;

  // Resolves once the call has finished (status sent or client gone).
  done = new Promise((resolve) => {
    this.#resolveDone = resolve;
  });

  constructor(stream, headers, rawHeaders, { maxReceiveMessageBytes = 4 * 1024 * 1024, maxSendMessageBytes = -1 } = {}) {
    this.#stream = stream;
    this.path = headers[":path"] ?? "";
    this.metadata = Metadata.fromRawHeaders(rawHeaders, TRANSPORT_HEADERS);
    this.#maxReceiveMessageBytes = maxReceiveMessageBytes;
    this.#maxSendMessageBytes = maxSendMessageBytes;
    this.#decoder = new FrameDecoder({ maxMessageBytes: maxReceiveMessageBytes });

    this.#requestEncoding = String(headers["grpc-encoding"] ?? "identity").trim().toLowerCase() || "identity";
    if (!isSupportedEncoding(this.#requestEncoding)) {
      this.#setupError = new GrpcError(
        UNIMPLEMENTED,
        `Compression algorithm ${JSON.stringify(this.#requestEncoding)} is not supported (supported: ${ACCEPT_ENCODING})`,
      );
      this.#requestEncoding = "identity";
    }
    this.#responseEncoding = chooseResponseEncoding(this.#requestEncoding, headers["grpc-accept-encoding"]);

    const timeout = headers["grpc-timeout"];
    if (timeout !== undefined && !this.#setupError) {
      try {
        const ms = parseGrpcTimeout(timeout);
        this.deadline = new Date(Date.now() + ms);
        this.#armDeadline(ms);
      } catch (error) {
        this.#setupError = new GrpcError(INTERNAL, error.message);
      }
    }

    stream.on("data", (chunk) => this.#onData(chunk));
    stream.on("end", () => this.#onInputEnd());
    stream.on("aborted", () => this.#cancel("call cancelled by client"));
    stream.on("close", () => {
      // A stream that closes before we sent a status was reset or lost.
      this.#cancel("call cancelled: stream closed");
      this.#resolveDrainWaiters();
    });
    stream.on("error", () => {
      // Stream errors (peer resets, session teardown) surface as 'close';
      // an 'error' without a listener would crash the process.
    });
    stream.on("wantTrailers", () => {
      try {
        stream.sendTrailers(this.#trailers ?? { ...this.#responseTrailers, ...statusTrailers(OK, "") });
      } catch {
        // The peer reset the stream while the last data was in flight.
      }
    });
  }

  // A header problem found before dispatch (bad grpc-timeout, unsupported
  // grpc-encoding); the server answers it with this status.
  get setupError() {
    return this.#setupError;
  }

  get finished() {
    return this.#finished;
  }

  get cancelled() {
    return this.#cancelled;
  }

  // Created on first use: most unary calls never look at it.
  get signal() {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.#abortReason) this.#abort.abort(this.#abortReason);
    }
    return this.#abort.signal;
  }

  // Raw request payloads (decompressed), in order. Ends when the client
  // half-closes or the call finishes; throws when the input was bad.
  async *requests() {
    while (true) {
      if (this.#queue.length > 0) {
        const payload = this.#queue.shift();
        if (this.#paused && this.#queue.length <= QUEUE_LOW_WATER) {
          this.#paused = false;
          this.#stream.resume();
        }
        yield payload;
        continue;
      }
      if (this.#inputError) throw this.#inputError;
      if (this.#inputEnded || this.#finished) return;
      await new Promise((resolve) => {
        this.#readerWake = resolve;
      });
    }
  }

  // The single request of a unary or server-streaming call.
  async readSingleRequest() {
    let payload;
    let count = 0;
    for await (const message of this.requests()) {
      payload = message;
      count++;
    }
    if (this.#finished) throw this.#finishedError();
    if (count === 0) throw new GrpcError(INTERNAL, "no request message received");
    if (count > 1) throw new GrpcError(INTERNAL, `expected one request message, received ${count}`);
    return payload;
  }

  // Send one response message; resolves once the stream accepted it without
  // exceeding its buffer, i.e. this awaits HTTP/2 flow control.
  async sendMessage(payload) {
    const frame = await this.#frame(payload);
    this.#checkStreamAlive();
    this.#ensureHeaders();
    if (!this.#stream.write(frame)) await this.#drain();
    if (this.#finished) throw this.#finishedError();
  }

  // The response of a unary call and its OK status in one write.
  async sendLastMessage(payload) {
    const frame = await this.#frame(payload);
    this.#checkStreamAlive();
    this.#ensureHeaders();
    this.#finish({ ...this.#responseTrailers, ...statusTrailers(OK, "") }, false);
    try {
      this.#stream.end(frame);
    } catch {
      // Stream already reset by the peer.
    }
  }

  // Response metadata: a header is sent with the response headers (so it must
  // be set before the first message), a trailer with the status. Names are
  // lower-cased; transport and gRPC-reserved names are refused.
  setHeader(name, value) {
    const key = checkMetadataName(name);
    if (this.#headersSent) throw new Error(`response headers were already sent; set ${key} before the first message`);
    this.#responseHeaders[key] = String(value);
  }

  setTrailer(name, value) {
    const key = checkMetadataName(name);
    this.#responseTrailers[key] = String(value);
  }

  // End the call with a status. Returns false when it had already finished.
  sendStatus(code, message = "") {
    if (this.#finished) return false;
    const trailers = { ...this.#responseTrailers, ...statusTrailers(code, message) };
    const stream = this.#stream;
    if (stream.destroyed || stream.closed) {
      this.#finish(trailers, false);
      return true;
    }
    try {
      if (!this.#headersSent) {
        // Trailers-only response: status travels in the only HEADERS frame.
        this.#headersSent = true;
        this.#finish(trailers, false);
        stream.respond(
          {
            ...this.#responseHeaders,
            ":status": 200,
            "content-type": "application/grpc",
            "grpc-accept-encoding": ACCEPT_ENCODING,
            ...trailers,
          },
          { endStream: true },
        );
      } else {
        this.#finish(trailers, false);
        stream.end();
      }
    } catch {
      // The peer reset the stream concurrently; nothing left to tell it.
    }
    return true;
  }

  // End the call from our side because its handler must stop (deadline,
  // bad input, forced shutdown): status to the client, abort to the handler.
  abortWithStatus(code, message) {
    if (this.#finished) return;
    this.sendStatus(code, message);
    this.#signalAbort(new GrpcError(code, message));
  }

  async #frame(payload) {
    if (this.#finished) throw this.#finishedError();
    if (this.#maxSendMessageBytes >= 0 && payload.length > this.#maxSendMessageBytes) {
      throw new GrpcError(
        RESOURCE_EXHAUSTED,
        `Sent message larger than max (${payload.length} vs. ${this.#maxSendMessageBytes})`,
      );
    }
    if (this.#responseEncoding === "identity") return encodeFrame(payload, false);
    const compressed = await compress(this.#responseEncoding, payload);
    if (this.#finished) throw this.#finishedError();
    return encodeFrame(compressed, true);
  }

  // A reset stream is destroyed synchronously but reports 'close' a tick
  // later; writing to it in between would throw, so finish the call here.
  #checkStreamAlive() {
    if (this.#stream.destroyed || this.#stream.closed) {
      this.#cancel("call cancelled: stream closed");
      throw this.#finishedError();
    }
  }

  #ensureHeaders() {
    if (this.#headersSent) return;
    this.#headersSent = true;
    const headers = {
      ...this.#responseHeaders,
      ":status": 200,
      "content-type": "application/grpc",
      "grpc-accept-encoding": ACCEPT_ENCODING,
    };
    if (this.#responseEncoding !== "identity") headers["grpc-encoding"] = this.#responseEncoding;
    this.#stream.respond(headers, { waitForTrailers: true });
  }

  #drain() {
    return new Promise((resolve) => {
      const done = () => {
        this.#stream.off("drain", done);
        this.#drainWaiters.delete(done);
        resolve();
      };
      this.#drainWaiters.add(done);
      this.#stream.on("drain", done);
    });
  }

  #resolveDrainWaiters() {
    for (const resolve of [...this.#drainWaiters]) resolve();
  }

  #finish(trailers, cancelled) {
    this.#finished = true;
    this.#cancelled = cancelled;
    this.#trailers = trailers;
    if (this.#deadlineTimer) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = null;
    this.#queue.length = 0;
    if (this.#paused) {
      // Keep reading so the rest of the request is discarded, not stalled.
      this.#paused = false;
      this.#stream.resume();
    }
    this.#wakeReader();
    this.#resolveDrainWaiters();
    this.#resolveDone();
  }

  #cancel(message) {
    if (this.#finished) return;
    this.#finish(null, true);
    this.#signalAbort(new GrpcError(CANCELLED, message));
  }

  #signalAbort(reason) {
    if (this.#abortReason) return;
    this.#abortReason = reason;
    if (this.#abort) this.#abort.abort(reason);
  }

  #finishedError() {
    return this.#abortReason ?? new GrpcError(CANCELLED, "call already finished");
  }

  #armDeadline(ms) {
    const fire = () => {
      const left = this.deadline.getTime() - Date.now();
      if (left > 0) {
        this.#deadlineTimer = setTimeout(fire, Math.min(left, MAX_TIMER_MS));
        return;
      }
      this.abortWithStatus(DEADLINE_EXCEEDED, "Deadline exceeded");
    };
    this.#deadlineTimer = setTimeout(fire, Math.min(ms, MAX_TIMER_MS));
  }

  #wakeReader() {
    const wake = this.#readerWake;
    this.#readerWake = null;
    if (wake) wake();
  }

  #onData(chunk) {
    if (this.#finished || this.#inputError) return;
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      this.#failInput(error);
      return;
    }
    for (const frame of frames) {
      if (this.#requestEncoding === "identity") {
        if (frame.compressed) {
          this.#failInput(new GrpcError(INTERNAL, "compressed message received without grpc-encoding"));
          return;
        }
        this.#enqueue(frame.payload);
        continue;
      }
      // Decompression is asynchronous; chaining keeps messages in order.
      this.#ordered = this.#ordered.then(async () => {
        if (this.#finished || this.#inputError) return;
        try {
          const payload = frame.compressed
            ? await decompress(this.#requestEncoding, frame.payload, this.#maxReceiveMessageBytes)
            : frame.payload;
          this.#enqueue(payload);
        } catch (error) {
          this.#failInput(error);
        }
      });
    }
  }

  #enqueue(payload) {
    if (this.#finished) return;
    this.#queue.push(payload);
    if (!this.#paused && this.#queue.length >= QUEUE_HIGH_WATER) {
      this.#paused = true;
      this.#stream.pause();
    }
    this.#wakeReader();
  }

  #onInputEnd() {
    this.#ordered = this.#ordered.then(() => {
      if (this.#decoder.hasPartialMessage) {
        this.#failInput(new GrpcError(INTERNAL, "request stream ended inside a message"));
        return;
      }
      this.#inputEnded = true;
      this.#wakeReader();
    });
  }

  #failInput(error) {
    if (this.#inputError || this.#finished) return;
    this.#inputError = error instanceof GrpcError ? error : new GrpcError(INTERNAL, String(error?.message ?? error));
    this.#wakeReader();
    this.abortWithStatus(this.#inputError.code, this.#inputError.message);
  }
}
