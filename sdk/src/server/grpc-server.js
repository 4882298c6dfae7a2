import http2 from "node:http2";
import { toStatus } from "../errors/grpc-error.js";
import { INTERNAL, UNAVAILABLE, UNIMPLEMENTED } from "../status.js";
import { ACCEPT_ENCODING } from "./compression.js";
import { ServerCall } from "./server-call.js";

export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;
// Streams one client may have open at once. The daemon multiplexes every call
// for an instance over few connections, so this is generous, but finite.
export const DEFAULT_MAX_CONCURRENT_STREAMS = 1000;
// Node's default (10 MB) per-session budget for buffered HTTP/2 data trips
// ENHANCE_YOUR_CALM under a few hundred concurrent calls.
const MAX_SESSION_MEMORY_MB = 64;

function isGrpcContentType(value) {
  const ct = String(value ?? "").toLowerCase();
  return ct === "application/grpc" || ct.startsWith("application/grpc;") || ct.startsWith("application/grpc+proto");
}

// An h2c (cleartext HTTP/2, prior knowledge) gRPC server. Routes are keyed by
// HTTP path "/pkg.Svc/Method"; a route's `handle(call)` drives a ServerCall
// and whatever it throws becomes the call's status.
export class GrpcServer {
  #routes = new Map();
  #options;
  #server = null;
  #sessions = new Set();
  #calls = new Set();
  #closing = false;

  constructor({
    maxReceiveMessageBytes = DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
    maxSendMessageBytes = -1,
    maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS,
  } = {}) {
    this.#options = { maxReceiveMessageBytes, maxSendMessageBytes, maxConcurrentStreams };
  }

  addRoute(path, handle) {
    if (this.#routes.has(path)) throw new Error(`route ${path} is registered twice`);
    this.#routes.set(path, handle);
  }

  hasRoute(path) {
    return this.#routes.has(path);
  }

  get activeCallCount() {
    return this.#calls.size;
  }

  // Resolves with the bound port (useful with port 0).
  listen(host, port) {
    const server = http2.createServer({
      maxSessionMemory: MAX_SESSION_MEMORY_MB,
      settings: { maxConcurrentStreams: this.#options.maxConcurrentStreams },
    });
    this.#server = server;
    server.on("session", (session) => {
      this.#sessions.add(session);
      session.on("close", () => this.#sessions.delete(session));
      session.on("error", () => {
        // Connection-level failures end the session; its streams see 'close'.
      });
      if (this.#closing) session.close();
    });
    server.on("stream", (stream, headers, _flags, rawHeaders) => this.#onStream(stream, headers, rawHeaders));
    server.on("sessionError", () => {});
    return new Promise((resolve, reject) => {
      const onError = (error) => {
        const reason = error.code === "EADDRINUSE" ? "address already in use" : error.message;
        reject(new Error(`cannot listen on ${host}:${port}: ${reason}`));
      };
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        resolve(server.address().port);
      });
    });
  }

  // Stop accepting connections and streams, let in-flight calls finish for up
  // to `graceMs`, then end what is left with UNAVAILABLE and drop the
  // connections. Resolves when everything is closed.
  async shutdown({ graceMs = 5000 } = {}) {
    this.#closing = true;
    const serverClosed = this.#server
      ? new Promise((resolve) => this.#server.close(() => resolve()))
      : Promise.resolve();
    // GOAWAY: open streams may finish, new ones are refused.
    for (const session of this.#sessions) session.close();

    const drained = (async () => {
      while (this.#calls.size > 0) await Promise.all([...this.#calls].map((c) => c.done));
      await serverClosed;
    })();
    let timer;
    const expired = new Promise((resolve) => {
      timer = setTimeout(() => resolve("expired"), graceMs);
    });
    const outcome = await Promise.race([drained.then(() => "drained"), expired]);
    clearTimeout(timer);
    if (outcome === "expired") {
      for (const call of this.#calls) call.abortWithStatus(UNAVAILABLE, "server is shutting down");
      // Give the final trailers a moment to be written before the sockets go.
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const session of this.#sessions) session.destroy();
      await serverClosed;
    }
  }

  // Immediate stop: used when a second signal arrives during graceful stop.
  forceClose() {
    this.#closing = true;
    for (const call of this.#calls) call.abortWithStatus(UNAVAILABLE, "server is shutting down");
    for (const session of this.#sessions) session.destroy();
    this.#server?.close();
  }

  #onStream(stream, headers, rawHeaders) {
    stream.on("error", () => {});
    if (headers[":method"] !== "POST") {
      stream.respond({ ":status": 405, allow: "POST" }, { endStream: true });
      return;
    }
    if (!isGrpcContentType(headers["content-type"])) {
      // gRPC over HTTP/2: a non-gRPC content type gets HTTP 415.
      stream.respond({ ":status": 415, "grpc-accept-encoding": ACCEPT_ENCODING }, { endStream: true });
      return;
    }
    const call = new ServerCall(stream, headers, rawHeaders, this.#options);
    this.#calls.add(call);
    call.done.then(() => this.#calls.delete(call));
    if (call.setupError) {
      call.sendStatus(call.setupError.code, call.setupError.message);
      return;
    }
    const route = this.#routes.get(call.path);
    if (!route) {
      call.sendStatus(UNIMPLEMENTED, `The server does not implement the method ${call.path}`);
      return;
    }
    let result;
    try {
      result = route(call);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      () => {
        // A route that returned without a status leaves the client hanging;
        // close the call so that bug shows up as an error, not a hang.
        call.sendStatus(INTERNAL, "handler finished without sending a status");
      },
      (error) => {
        const { code, message } = toStatus(error);
        call.sendStatus(code, message);
      },
    );
  }
}
