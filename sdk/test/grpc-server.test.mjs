// The h2c gRPC transport driven by a raw HTTP/2 client, with byte-level
// routes: no protobuf involved, so every assertion is about the wire.
import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, test } from "node:test";
import zlib from "node:zlib";
import { GrpcError } from "../src/errors/grpc-error.js";
import { GrpcServer } from "../src/server/grpc-server.js";
import { addHealthRoutes } from "../src/server/health.js";
import { connect, frame, startCall, unary } from "../test-support/grpc-client.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Routes record what they observed here, keyed by the `x-key` header.
const observed = new Map();

function buildServer(options) {
  const server = new GrpcServer(options);
  addHealthRoutes(server);
  server.addRoute("/t.Test/Echo", async (call) => {
    await call.sendLastMessage(await call.readSingleRequest());
  });
  server.addRoute("/t.Test/Fail", async (call) => {
    await call.readSingleRequest();
    throw new GrpcError(5, "thing 'x' not found: ünïcode 100%");
  });
  server.addRoute("/t.Test/Hang", async (call) => {
    const key = call.metadata.get("x-key")[0];
    const state = { aborted: false, reason: undefined, requestsEnded: false };
    observed.set(key, state);
    call.signal.addEventListener("abort", () => {
      state.aborted = true;
      state.reason = call.signal.reason;
    });
    for await (const _ of call.requests()) {
      // Consume until the client half-closes or the call ends.
    }
    state.requestsEnded = true;
    await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
  });
  server.addRoute("/t.Test/Flood", async (call) => {
    const key = call.metadata.get("x-key")[0];
    const state = { sent: 0 };
    observed.set(key, state);
    await call.readSingleRequest();
    const chunk = Buffer.alloc(1024, 7);
    try {
      for (;;) {
        await call.sendMessage(chunk);
        state.sent++;
      }
    } catch {
      state.stopped = true;
    }
  });
  server.addRoute("/t.Test/Sum", async (call) => {
    let total = 0;
    let count = 0;
    for await (const payload of call.requests()) {
      total += payload.length;
      count++;
    }
    await call.sendLastMessage(Buffer.from(`${count}:${total}`));
  });
  server.addRoute("/t.Test/Lazy", async (call) => {
    // Takes three messages, then stops reading for a while.
    const key = call.metadata.get("x-key")[0];
    const state = { taken: 0 };
    observed.set(key, state);
    const requests = call.requests();
    for (let i = 0; i < 3; i++) {
      await requests.next();
      state.taken++;
    }
    await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
  });
  server.addRoute("/t.Test/Slow", async (call) => {
    const payload = await call.readSingleRequest();
    await sleep(Number(payload.toString()));
    await call.sendLastMessage(Buffer.from("done"));
  });
  return server;
}

describe("gRPC transport", { timeout: 60_000 }, () => {
  let server;
  let port;
  let session;

  before(async () => {
    server = buildServer({ maxReceiveMessageBytes: 64 * 1024 });
    port = await server.listen("127.0.0.1", 0);
    session = connect(port);
  });

  after(async () => {
    session.destroy();
    await server.shutdown({ graceMs: 200 });
  });

  test("unary round trip with headers, one message and OK trailers", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.from("ping"));
    assert.equal(result.headers[":status"], 200);
    assert.equal(result.headers["content-type"], "application/grpc");
    assert.equal(result.status, 0);
    assert.deepEqual(result.frames.map((f) => f.payload.toString()), ["ping"]);
  });

  test("an empty message is a valid request and response", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.alloc(0));
    assert.equal(result.status, 0);
    assert.equal(result.frames.length, 1);
    assert.equal(result.frames[0].payload.length, 0);
  });

  test("error status travels in a trailers-only response with a percent-encoded message", async () => {
    const result = await unary(session, "/t.Test/Fail", Buffer.from("x"));
    assert.equal(result.trailers, undefined, "trailers-only: status is in the response headers");
    assert.equal(result.headers["grpc-status"], "5");
    assert.match(result.headers["grpc-message"], /%C3%BC/);
    assert.match(result.headers["grpc-message"], /100%25/);
    assert.equal(result.message, "thing 'x' not found: ünïcode 100%");
  });

  test("unknown method is UNIMPLEMENTED", async () => {
    const result = await unary(session, "/t.Test/Nope", Buffer.from("x"));
    assert.equal(result.status, 12);
    assert.match(result.message, /\/t\.Test\/Nope/);
  });

  test("non-POST gets HTTP 405 and a non-gRPC content type HTTP 415", async () => {
    const get = session.request({ ":method": "GET", ":path": "/t.Test/Echo" });
    const getHeaders = await new Promise((resolve) => get.on("response", resolve));
    get.close();
    assert.equal(getHeaders[":status"], 405);
    const json = await unary(session, "/t.Test/Echo", Buffer.from("x"), { headers: { "content-type": "application/json" } });
    assert.equal(json.headers[":status"], 415);
  });

  test("health Check answers SERVING and Watch is UNIMPLEMENTED", async () => {
    const check = await unary(session, "/grpc.health.v1.Health/Check", Buffer.alloc(0));
    assert.equal(check.status, 0);
    assert.deepEqual([...check.frames[0].payload], [0x08, 0x01]);
    const named = await unary(session, "/grpc.health.v1.Health/Check", Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63]));
    assert.deepEqual([...named.frames[0].payload], [0x08, 0x01]);
    const watch = await unary(session, "/grpc.health.v1.Health/Watch", Buffer.alloc(0));
    assert.equal(watch.status, 12);
  });

  test("a message over the receive limit is RESOURCE_EXHAUSTED", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.alloc(64 * 1024 + 1));
    assert.equal(result.status, 8);
    assert.match(result.message, /larger than max \(65537 vs\. 65536\)/);
    const atLimit = await unary(session, "/t.Test/Echo", Buffer.alloc(64 * 1024));
    assert.equal(atLimit.status, 0);
  });

  test("a gzip request is decompressed and the response is gzip-compressed", async () => {
    const payload = Buffer.from("compress me ".repeat(100));
    const result = await unary(session, "/t.Test/Echo", payload, {
      gzip: true,
      headers: { "grpc-encoding": "gzip", "grpc-accept-encoding": "gzip" },
    });
    assert.equal(result.status, 0);
    assert.equal(result.headers["grpc-encoding"], "gzip");
    assert.equal(result.frames[0].compressed, true);
    assert.ok(result.frames[0].payload.length < payload.length);
    assert.deepEqual(zlib.gunzipSync(result.frames[0].payload), payload);
  });

  test("without gzip in grpc-accept-encoding the response is not compressed", async () => {
    const payload = Buffer.from("abc");
    const result = await unary(session, "/t.Test/Echo", payload, {
      gzip: true,
      headers: { "grpc-encoding": "gzip", "grpc-accept-encoding": "identity" },
    });
    assert.equal(result.status, 0);
    assert.equal(result.frames[0].compressed, false);
    assert.deepEqual(result.frames[0].payload, payload);
  });

  test("a gzip bomb is cut at the receive limit", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.alloc(1024 * 1024), {
      gzip: true,
      headers: { "grpc-encoding": "gzip" },
    });
    assert.equal(result.status, 8);
  });

  test("an unsupported grpc-encoding is UNIMPLEMENTED and advertises what is accepted", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.from("x"), { headers: { "grpc-encoding": "snappy" } });
    assert.equal(result.status, 12);
    assert.match(result.headers["grpc-accept-encoding"], /gzip/);
  });

  test("a compressed flag without grpc-encoding is INTERNAL", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.from("x"), { gzip: true });
    assert.equal(result.status, 13);
  });

  test("a malformed grpc-timeout is rejected", async () => {
    const result = await unary(session, "/t.Test/Echo", Buffer.from("x"), { headers: { "grpc-timeout": "soon" } });
    assert.equal(result.status, 13);
    assert.match(result.message, /grpc-timeout/);
  });

  test("grpc-timeout expiry sends DEADLINE_EXCEEDED and aborts the route's signal", async () => {
    const started = Date.now();
    const { outcome } = startCall(session, "/t.Test/Hang", {
      headers: { "grpc-timeout": "200m", "x-key": "deadline" },
      body: frame(Buffer.from("x")),
    });
    const result = await outcome;
    const elapsed = Date.now() - started;
    assert.equal(result.status, 4);
    assert.ok(elapsed >= 180 && elapsed < 2000, `deadline fired after ${elapsed} ms`);
    const state = observed.get("deadline");
    assert.equal(state.aborted, true);
    assert.equal(state.reason.code, 4);
  });

  test("a call that completes before its deadline is not affected by it", async () => {
    const result = await unary(session, "/t.Test/Slow", Buffer.from("20"), { headers: { "grpc-timeout": "5S" } });
    assert.equal(result.status, 0);
  });

  test("client cancellation (RST_STREAM) aborts the signal and ends the request stream", async () => {
    const { stream, outcome } = startCall(session, "/t.Test/Hang", {
      headers: { "x-key": "cancel" },
      body: frame(Buffer.from("x")),
      end: false,
    });
    await sleep(100);
    assert.equal(observed.get("cancel").aborted, false);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await outcome;
    await sleep(50);
    const state = observed.get("cancel");
    assert.equal(state.aborted, true);
    assert.equal(state.reason.code, 1);
    assert.equal(state.requestsEnded, true);
  });

  test("client streaming reads every message, split and coalesced across DATA frames", async () => {
    const frames = Buffer.concat([frame(Buffer.alloc(3)), frame(Buffer.alloc(5)), frame(Buffer.alloc(7))]);
    const { stream, outcome } = startCall(session, "/t.Test/Sum", { end: false });
    // Byte by byte for the first message, then the rest at once.
    for (let i = 0; i < 8; i++) {
      stream.write(frames.subarray(i, i + 1));
      await sleep(2);
    }
    stream.end(frames.subarray(8));
    const result = await outcome;
    assert.equal(result.status, 0);
    assert.equal(result.frames[0].payload.toString(), "3:15");
  });

  test("a request stream that ends inside a message is INTERNAL", async () => {
    const partial = frame(Buffer.alloc(10)).subarray(0, 8);
    const { outcome } = startCall(session, "/t.Test/Sum", { body: partial });
    const result = await outcome;
    assert.equal(result.status, 13);
  });

  test("streaming writes wait for a slow client: the server buffers a bounded amount", async () => {
    // A fresh connection whose client never reads: the 64 KiB stream window
    // fills up and the route's sendMessage must block.
    const slow = connect(port);
    const { stream } = startCall(slow, "/t.Test/Flood", {
      headers: { "x-key": "flood" },
      body: frame(Buffer.from("go")),
    });
    stream.pause();
    await sleep(500);
    const sentWhileBlocked = observed.get("flood").sent;
    await sleep(300);
    const sentLater = observed.get("flood").sent;
    // Window (64 KiB) + stream buffer (16 KiB) hold ~80 messages of 1 KiB.
    assert.ok(sentWhileBlocked > 10, `server sent ${sentWhileBlocked} messages`);
    assert.ok(sentWhileBlocked < 400, `server buffered ${sentWhileBlocked} messages for a client that reads nothing`);
    assert.equal(sentLater, sentWhileBlocked, "no progress while the client does not read");
    // Reading again lets the stream continue.
    stream.resume();
    await sleep(200);
    assert.ok(observed.get("flood").sent > sentLater + 100);
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await sleep(100);
    assert.equal(observed.get("flood").stopped, true);
    slow.destroy();
  });

  test("a handler that stops reading stops the client's uploads: inbound buffering is bounded", async () => {
    const fast = connect(port);
    const { stream } = startCall(fast, "/t.Test/Lazy", { headers: { "x-key": "lazy" }, end: false });
    const chunk = frame(Buffer.alloc(16 * 1024));
    let accepted = 0;
    const pump = () => {
      while (accepted < 64 * 1024 * 1024) {
        accepted += chunk.length;
        if (!stream.write(chunk)) {
          stream.once("drain", pump);
          return;
        }
      }
    };
    pump();
    await sleep(800);
    assert.equal(observed.get("lazy").taken, 3);
    // Stream window (64 KiB) + Node's read buffer + 16 queued messages.
    assert.ok(accepted < 2 * 1024 * 1024, `client could push ${accepted} bytes to a handler that reads nothing`);
    fast.destroy();
  });

  test("200 concurrent calls on one connection all succeed", async () => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => unary(session, "/t.Test/Slow", Buffer.from(String(i % 20)))),
    );
    assert.equal(results.filter((r) => r.status === 0 && r.frames[0].payload.toString() === "done").length, 200);
  });
});

describe("graceful shutdown", { timeout: 30_000 }, () => {
  test("in-flight calls finish, new connections are refused", async () => {
    const server = buildServer();
    const port = await server.listen("127.0.0.1", 0);
    const session = connect(port);
    const inFlight = unary(session, "/t.Test/Slow", Buffer.from("300"));
    await sleep(50);
    const stopped = server.shutdown({ graceMs: 5000 });
    const result = await inFlight;
    assert.equal(result.status, 0);
    assert.equal(result.frames[0].payload.toString(), "done");
    await stopped;
    const refused = await new Promise((resolve) => {
      const s = http2.connect(`http://127.0.0.1:${port}`);
      s.on("error", (e) => resolve(e.code));
      s.on("connect", () => resolve("connected"));
    });
    assert.equal(refused, "ECONNREFUSED");
    session.destroy();
  });

  test("calls still running when the grace period ends get UNAVAILABLE", async () => {
    const server = buildServer();
    const port = await server.listen("127.0.0.1", 0);
    const session = connect(port);
    const { outcome } = startCall(session, "/t.Test/Hang", {
      headers: { "x-key": "shutdown" },
      body: frame(Buffer.from("x")),
    });
    await sleep(50);
    const started = Date.now();
    await server.shutdown({ graceMs: 200 });
    const result = await outcome;
    assert.equal(result.status, 14);
    assert.ok(Date.now() - started < 2000);
    assert.equal(observed.get("shutdown").aborted, true);
    session.destroy();
  });
});
