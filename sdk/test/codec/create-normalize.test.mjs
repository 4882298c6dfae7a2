// createMessage (protobuf-es create() with type checks), isMessage and
// normalizeResponse (SPEC §11.5 "Responses / stream items").
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ProtobufError,
  createMessage,
  decodeMessage,
  encodeMessage,
  fromJson,
  isMessage,
  normalizeResponse,
  toJson,
} from "../../src/protobuf/index.js";
import { fixtureRegistry } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();
const allTypes = registry.getMessage("codec.test.AllTypes");
const scalars = registry.getMessage("codec.test.Scalars");
const nested = registry.getMessage("codec.test.Nested");
const response = registry.getMessage("calculator.v1.CalculatorResponse");
const request = registry.getMessage("calculator.v1.BinaryOperationRequest");

test("createMessage without init: every field at its protobuf-es zero value", () => {
  const msg = createMessage(allTypes);
  assert.equal(msg.$typeName, "codec.test.AllTypes");
  assert.equal(msg.color, 0);
  assert.equal(msg.customField, "");
  assert.deepEqual(msg.packedInt32, []);
  assert.deepEqual(msg.mapStringInt32, {});
  assert.deepEqual(msg.choice, { case: undefined });
  assert.equal(msg.nested, undefined);
  assert.equal(msg.optInt32, undefined);
  assert.equal(msg.wInt32, undefined);
  assert.equal(msg.ts, undefined);
  const s = createMessage(scalars);
  assert.equal(s.fInt64, 0n);
  assert.equal(s.fUint64, 0n);
  assert.deepEqual(s.fBytes, new Uint8Array(0));
  assert.equal(s.fBool, false);
});

test("createMessage normalizes 64-bit ints, bytes, nested init objects, oneofs, wrappers", () => {
  const msg = createMessage(allTypes, {
    scalars: { fInt64: 5, fUint64: "18446744073709551615", fSint64: -3n, fBytes: Buffer.from("hi"), fString: "s" },
    repBytes: [[1, 2], Buffer.from([3])],
    nested: { a: 1, children: [{ b: "x" }] },
    mapStringNested: { k: { a: 2 } },
    mapInt64Nested: { "-1": { a: 3 } },
    choice: { case: "choiceNested", value: { a: 9 } },
    wInt64: "12",
    wBytes: Buffer.from([7]),
    ts: { seconds: 10, nanos: 1 },
    unknownProperty: "ignored, as protobuf-es ignores it",
    color: null,
    optInt32: undefined,
  });
  assert.equal(msg.scalars.fInt64, 5n);
  assert.equal(msg.scalars.fUint64, 18446744073709551615n);
  assert.equal(msg.scalars.fBytes.constructor, Uint8Array);
  assert.deepEqual(msg.scalars.fBytes, new Uint8Array([104, 105]));
  assert.deepEqual(msg.repBytes, [new Uint8Array([1, 2]), new Uint8Array([3])]);
  assert.equal(msg.nested.$typeName, "codec.test.Nested");
  assert.equal(msg.nested.children[0].$typeName, "codec.test.Nested");
  assert.equal(msg.mapStringNested.k.a, 2);
  assert.equal(msg.choice.value.$typeName, "codec.test.Nested");
  assert.equal(msg.wInt64, 12n);
  assert.deepEqual(msg.wBytes, new Uint8Array([7]));
  assert.equal(msg.ts.seconds, 10n);
  assert.ok(!("unknownProperty" in msg));
  assert.equal(msg.color, 0);
  assert.equal(msg.optInt32, undefined);
});

test("createMessage returns a message of the right type as is, and keeps nested messages", () => {
  const n = createMessage(nested, { a: 1 });
  assert.equal(createMessage(nested, n), n);
  const outer = createMessage(allTypes, { nested: n });
  assert.equal(outer.nested, n);
});

test("createMessage rejects values of the wrong type, naming the field", () => {
  const cases = [
    [scalars, { fInt32: "1" }, 'cannot create codec.test.Scalars.f_int32: expected int32, got "1"'],
    [scalars, { fInt32: 1.5 }, "cannot create codec.test.Scalars.f_int32: expected int32, got 1.5"],
    [scalars, { fUint32: -1 }, "cannot create codec.test.Scalars.f_uint32: expected uint32, got -1"],
    [scalars, { fInt64: "abc" }, 'cannot create codec.test.Scalars.f_int64: expected int64, got "abc"'],
    [scalars, { fInt64: 1.5 }, "cannot create codec.test.Scalars.f_int64: expected int64, got 1.5"],
    [scalars, { fUint64: -1n }, "cannot create codec.test.Scalars.f_uint64: expected uint64, got -1n"],
    [scalars, { fString: 5 }, "cannot create codec.test.Scalars.f_string: expected string, got 5"],
    [scalars, { fBool: "true" }, 'cannot create codec.test.Scalars.f_bool: expected bool, got "true"'],
    [scalars, { fBytes: "aGk=" }, 'cannot create codec.test.Scalars.f_bytes: expected bytes, got "aGk="'],
    [scalars, { fFloat: 1e40 }, "cannot create codec.test.Scalars.f_float: expected float, got 1e+40"],
    [allTypes, { color: "COLOR_RED" }, 'cannot create codec.test.AllTypes.color: expected enum codec.test.Color number, got "COLOR_RED"'],
    [allTypes, { packedInt32: 5 }, "cannot create codec.test.AllTypes.packed_int32: expected an array, got 5"],
    [allTypes, { packedInt32: [1, null] }, "cannot create codec.test.AllTypes.packed_int32: list item 1 must not be null"],
    [allTypes, { mapInt32String: { x: "y" } }, 'cannot create codec.test.AllTypes.map_int32_string: invalid int32 map key "x"'],
    [allTypes, { nested: 5 }, "cannot create codec.test.AllTypes.nested: expected message codec.test.Nested or an init object, got 5"],
    [allTypes, { choice: { case: "nope", value: 1 } }, 'cannot create oneof codec.test.AllTypes.choice: unknown case "nope"'],
    [allTypes, { choice: { case: "choiceInt64", value: "x" } }, 'cannot create codec.test.AllTypes.choice_int64: expected int64, got "x"'],
    [allTypes, { wInt32: "1" }, 'cannot create codec.test.AllTypes.w_int32: expected int32, got "1"'],
    [allTypes, { nested: { a: "1" } }, 'cannot create codec.test.Nested.a: expected int32, got "1"'],
  ];
  for (const [desc, init, message] of cases) {
    assert.throws(() => createMessage(desc, init), { name: "ProtobufError", message }, JSON.stringify(Object.keys(init)));
  }
  assert.throws(() => createMessage(scalars, "x"), ProtobufError);
  assert.throws(() => createMessage(scalars, [1]), ProtobufError);
});

test("createMessage for proto2: explicit fields become own properties", () => {
  const p2 = registry.getMessage("codec.test2.P2");
  const msg = createMessage(p2, { req: 1, optInt32: 42 });
  assert.equal(Object.hasOwn(msg, "optInt32"), true);
  assert.equal(Object.hasOwn(msg, "optString"), false);
  assert.equal(msg.optString, "hello");
  assert.deepEqual(encodeMessage(p2, msg), new Uint8Array([0x08, 42, 0x40, 1]));
});

test("isMessage checks $typeName", () => {
  const msg = createMessage(request, { left: 1 });
  assert.equal(isMessage(msg), true);
  assert.equal(isMessage(msg, request), true);
  assert.equal(isMessage(msg, "calculator.v1.BinaryOperationRequest"), true);
  assert.equal(isMessage(msg, response), false);
  assert.equal(isMessage({ left: 1 }), false);
  assert.equal(isMessage(null), false);
  assert.equal(isMessage("x"), false);
});

test("normalizeResponse: a message of the output type is used as is", () => {
  const msg = createMessage(response, { result: 1 });
  assert.equal(normalizeResponse(response, msg), msg);
});

test("normalizeResponse: plain objects are read as ProtoJSON first", () => {
  const byJson = normalizeResponse(response, { result: 42, serviceId: "svc", business_request_id: "r" });
  assert.equal(byJson.$typeName, "calculator.v1.CalculatorResponse");
  assert.equal(byJson.result, 42);
  assert.equal(byJson.serviceId, "svc");
  assert.equal(byJson.businessRequestId, "r");
  const all = normalizeResponse(allTypes, { scalars: { fInt64: "5", fBytes: "aGk=" }, color: "COLOR_RED", ts: "2024-01-01T00:00:00Z", customAlias: "c" });
  assert.equal(all.scalars.fInt64, 5n);
  assert.deepEqual(all.scalars.fBytes, new Uint8Array([104, 105]));
  assert.equal(all.color, 1);
  assert.equal(all.ts.seconds, 1704067200n);
  assert.equal(all.customField, "c");
});

test("normalizeResponse: falls back to an init object when ProtoJSON fails", () => {
  const msg = normalizeResponse(allTypes, {
    scalars: { fInt64: 5n, fBytes: new Uint8Array([1]) },
    choice: { case: "choiceString", value: "x" },
    customField: "camel name, not a JSON name",
  });
  assert.equal(msg.scalars.fInt64, 5n);
  assert.deepEqual(msg.choice, { case: "choiceString", value: "x" });
  assert.equal(msg.customField, "camel name, not a JSON name");
  // ProtoJSON rejects the unknown key, the init object ignores it
  const extra = normalizeResponse(response, { result: 3, debug: true });
  assert.equal(extra.result, 3);
});

test("normalizeResponse: values that are not objects become an empty message", () => {
  const empty = createMessage(response);
  for (const value of [undefined, null, "text", 42, true, 5n, [1, 2], []]) {
    assert.deepStrictEqual(normalizeResponse(response, value), empty, String(value));
  }
  // a message of another type is read as an init object: nothing matches
  assert.deepStrictEqual(normalizeResponse(response, createMessage(request, { left: 1 })), empty);
  // unknown keys: not ProtoJSON, but a valid (empty) init object, as in protobuf-es
  assert.deepStrictEqual(normalizeResponse(response, { debug: true }), empty);
});

test("normalizeResponse: an object that is neither ProtoJSON nor an init object is an error naming both problems", () => {
  assert.throws(() => normalizeResponse(response, { result: "not a number", serviceId: 5 }), (error) => {
    assert.equal(error.name, "ProtobufError");
    assert.match(error.message, /^the value is neither ProtoJSON nor an init object of calculator\.v1\.CalculatorResponse: /);
    assert.match(error.message, /cannot create calculator\.v1\.CalculatorResponse\.result: expected double, got "not a number"/);
    assert.match(error.message, /\(as ProtoJSON: cannot decode field calculator\.v1\.CalculatorResponse\.result from JSON: .*\)$/);
    return true;
  });
  assert.throws(() => normalizeResponse(allTypes, { nested: { a: "x", b: 5n } }), /cannot create codec\.test\.Nested\.a: expected int32/);
  assert.throws(() => normalizeResponse(allTypes, { scalars: { fBytes: 5 } }), /f_bytes/);
  assert.throws(() => normalizeResponse(allTypes, new Uint8Array([1])), /expected an init object, got Uint8Array\(1\)/);
});

test("jstype = JS_STRING: 64-bit values are decimal strings, as in protobuf-es", () => {
  assert.equal(createMessage(allTypes).jsStringInt64, "0");
  const msg = createMessage(allTypes, { jsStringInt64: 9007199254740993n });
  assert.equal(msg.jsStringInt64, "9007199254740993");
  const bytes = encodeMessage(allTypes, msg);
  assert.deepEqual(bytes, new Uint8Array([0xa8, 0x05, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]));
  assert.equal(decodeMessage(allTypes, bytes).jsStringInt64, "9007199254740993");
  assert.equal(fromJson(allTypes, { jsStringInt64: -5 }).jsStringInt64, "-5");
  assert.deepEqual(toJson(allTypes, msg), { jsStringInt64: "9007199254740993" });
});
