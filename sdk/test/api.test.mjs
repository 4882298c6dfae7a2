// The public exports upstream packages rely on.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as sdk from "../src/index.js";
import { toStatus } from "../src/errors/grpc-error.js";

describe("public API", () => {
  test("exports the upstream names", () => {
    for (const name of [
      "defineService", "runServiceMain", "runService", "GrpcError", "grpcError", "grpcInvalidArgumentError",
      "grpcNotFoundError", "grpcPermissionDeniedError", "grpcUnauthenticatedError", "grpcUnavailableError",
      "status", "grpcStatus", "Metadata",
    ]) {
      assert.ok(sdk[name] !== undefined, `${name} is exported`);
    }
  });

  test("status and grpcStatus hold the canonical codes 0–16 and nothing else", () => {
    const expected = {
      OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6,
      PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, ABORTED: 10, OUT_OF_RANGE: 11,
      UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14, DATA_LOSS: 15, UNAUTHENTICATED: 16,
    };
    assert.deepEqual({ ...sdk.status }, expected);
    assert.deepEqual({ ...sdk.grpcStatus }, expected);
  });

  test("GrpcError and its helpers carry name, numeric code and message", () => {
    const e = new sdk.GrpcError(sdk.grpcStatus.NOT_FOUND, "missing");
    assert.ok(e instanceof Error);
    assert.equal(e.name, "GrpcError");
    assert.equal(e.code, 5);
    assert.equal(e.message, "missing");
    const helpers = [
      [sdk.grpcInvalidArgumentError, 3], [sdk.grpcNotFoundError, 5], [sdk.grpcPermissionDeniedError, 7],
      [sdk.grpcUnauthenticatedError, 16], [sdk.grpcUnavailableError, 14],
    ];
    for (const [make, code] of helpers) {
      const err = make("m");
      assert.ok(err instanceof sdk.GrpcError);
      assert.deepEqual([err.code, err.message], [code, "m"]);
    }
    assert.deepEqual([sdk.grpcError(10, "x").code, sdk.grpcError(10, "x").message], [10, "x"]);
  });

  test("errors map to statuses: GrpcError (also from another SDK copy) keeps its code, others are INTERNAL", () => {
    assert.deepEqual(toStatus(new sdk.GrpcError(9, "pre")), { code: 9, message: "pre" });
    const foreign = Object.assign(new Error("copy"), { name: "GrpcError", code: 7 });
    assert.deepEqual(toStatus(foreign), { code: 7, message: "copy" });
    assert.deepEqual(toStatus(new sdk.GrpcError(99, "odd")), { code: 2, message: "odd" });
    assert.deepEqual(toStatus(new TypeError("boom")), { code: 13, message: "boom" });
    assert.deepEqual(toStatus("text"), { code: 13, message: "text" });
  });

  test("defineService keeps handlers and rejects non-functions", () => {
    const handlers = { "a.B/C": () => ({}), "/a.B/D": () => ({}) };
    assert.equal(sdk.defineService({ handlers }).handlers, handlers);
    assert.throws(() => sdk.defineService({ handlers: { "a.B/C": 1 } }), /handler for "a.B\/C" must be a function/);
    assert.throws(() => sdk.defineService(null), /defineService expects an object/);
  });
});
