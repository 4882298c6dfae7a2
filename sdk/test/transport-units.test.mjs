// Pure pieces of the gRPC transport: framing, timeouts, status text.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chooseResponseEncoding, compress, decompress } from "../src/server/compression.js";
import { FrameDecoder, encodeFrame } from "../src/server/framing.js";
import { parseGrpcTimeout } from "../src/server/grpc-timeout.js";
import { decodeGrpcMessage, encodeGrpcMessage, statusTrailers } from "../src/server/status-trailers.js";

describe("length-prefixed framing", () => {
  test("encodeFrame writes the flag and big-endian length", () => {
    assert.deepEqual([...encodeFrame(Buffer.from("ab"))], [0, 0, 0, 0, 2, 0x61, 0x62]);
    assert.deepEqual([...encodeFrame(Buffer.alloc(0), true)], [1, 0, 0, 0, 0]);
    assert.deepEqual([...encodeFrame(Buffer.alloc(256)).subarray(0, 5)], [0, 0, 0, 1, 0]);
  });

  test("FrameDecoder yields messages however the bytes are split", () => {
    const messages = [Buffer.from("first"), Buffer.alloc(0), Buffer.alloc(70000, 3), Buffer.from("last")];
    const bytes = Buffer.concat(messages.map((m, i) => encodeFrame(m, i === 1)));
    for (const size of [1, 3, 5, 7, 4096, bytes.length]) {
      const decoder = new FrameDecoder();
      const out = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...decoder.push(bytes.subarray(i, i + size)));
      assert.deepEqual(out.map((m) => m.payload), messages, `chunk size ${size}`);
      assert.deepEqual(out.map((m) => m.compressed), [false, true, false, false]);
      assert.equal(decoder.hasPartialMessage, false);
    }
  });

  test("a partial message is reported as pending", () => {
    const decoder = new FrameDecoder();
    assert.deepEqual(decoder.push(encodeFrame(Buffer.from("abc")).subarray(0, 6)), []);
    assert.equal(decoder.hasPartialMessage, true);
  });

  test("the size limit is enforced from the length prefix, before buffering", () => {
    const decoder = new FrameDecoder({ maxMessageBytes: 10 });
    assert.throws(
      () => decoder.push(encodeFrame(Buffer.alloc(11)).subarray(0, 5)),
      (e) => e.code === 8 && /larger than max \(11 vs\. 10\)/.test(e.message),
    );
    assert.equal(new FrameDecoder({ maxMessageBytes: 10 }).push(encodeFrame(Buffer.alloc(10))).length, 1);
  });

  test("an invalid flag byte is INTERNAL", () => {
    assert.throws(() => new FrameDecoder().push(Buffer.from([2, 0, 0, 0, 0])), (e) => e.code === 13);
  });
});

describe("compression", () => {
  test("gzip and deflate round trip; decompression is capped", async () => {
    const data = Buffer.from("z".repeat(5000));
    for (const encoding of ["gzip", "deflate"]) {
      assert.deepEqual(await decompress(encoding, await compress(encoding, data)), data);
      await assert.rejects(decompress(encoding, await compress(encoding, data), 100), (e) => e.code === 8);
    }
    await assert.rejects(decompress("gzip", Buffer.from("not gzip")), (e) => e.code === 13);
  });

  test("responses use the request's algorithm only when the client accepts it", () => {
    assert.equal(chooseResponseEncoding("gzip", "identity,gzip"), "gzip");
    assert.equal(chooseResponseEncoding("gzip", "identity"), "identity");
    assert.equal(chooseResponseEncoding("identity", "gzip"), "identity");
    assert.equal(chooseResponseEncoding(undefined, "gzip"), "identity");
  });
});

describe("grpc-timeout", () => {
  test("every unit converts to milliseconds", () => {
    assert.equal(parseGrpcTimeout("1H"), 3_600_000);
    assert.equal(parseGrpcTimeout("2M"), 120_000);
    assert.equal(parseGrpcTimeout("3S"), 3000);
    assert.equal(parseGrpcTimeout("250m"), 250);
    assert.equal(parseGrpcTimeout("1500u"), 1.5);
    assert.equal(parseGrpcTimeout("99999999n"), 99.999999);
  });

  test("malformed values throw", () => {
    for (const bad of ["", "10", "S", "123456789S", "1.5S", "10s", "-1S"]) {
      assert.throws(() => parseGrpcTimeout(bad), /malformed grpc-timeout/, bad);
    }
  });
});

describe("grpc-status / grpc-message", () => {
  test("grpc-message percent-encodes non-printable bytes and %", () => {
    assert.equal(encodeGrpcMessage("plain text"), "plain text");
    assert.equal(encodeGrpcMessage("50%"), "50%25");
    assert.equal(encodeGrpcMessage("é\n"), "%C3%A9%0A");
    for (const s of ["", "ascii", "ünïcödé 失败 100%", "tab\tnew\nline"]) assert.equal(decodeGrpcMessage(encodeGrpcMessage(s)), s);
  });

  test("trailers carry the numeric status and omit an empty message", () => {
    assert.deepEqual(statusTrailers(0, ""), { "grpc-status": "0" });
    assert.deepEqual(statusTrailers(5, "gone"), { "grpc-status": "5", "grpc-message": "gone" });
  });
});
