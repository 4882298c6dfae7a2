// simpleResponse, the shortcut normalizeResponse (and `--runtime invoke`,
// without loading the ProtoJSON reader) takes for the common response shapes,
// must give exactly what the general rule gives: ProtoJSON first, else an
// init object.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, createMessage, encodeMessage, fromJson, isMessage, normalizeResponse } from "../../src/protobuf/index.js";
import { simpleResponse } from "../../src/protobuf/simple-response.js";
import { fixtureRegistry, prng } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();
const allTypes = registry.getMessage("codec.test.AllTypes");
const scalars = registry.getMessage("codec.test.Scalars");
const nested = registry.getMessage("codec.test.Nested");
const response = registry.getMessage("calculator.v1.CalculatorResponse");
const p2 = registry.getMessage("codec.test2.P2");

// The SPEC §11.5 rule, spelled out without the shortcut.
function reference(desc, value) {
  if (isMessage(value, desc)) return { message: value };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { message: createMessage(desc) };
  try {
    return { message: fromJson(desc, value) };
  } catch {
    // fall through to the init object
  }
  try {
    return { message: createMessage(desc, value) };
  } catch (error) {
    return { error };
  }
}

test("simpleResponse takes the calculator's response shapes without the JSON reader", () => {
  const msg = simpleResponse(response, { result: 42, serviceId: "svc", label: "", secretToken: "t" });
  assert.deepStrictEqual(msg, fromJson(response, { result: 42, serviceId: "svc", label: "", secretToken: "t" }));
  const list = simpleResponse(allTypes, { packedInt32: [1, 2], repString: ["a"], color: 2, nested: { a: 1, b: "x" } });
  assert.equal(list.nested.$typeName, "codec.test.Nested");
  assert.deepEqual(list.packedInt32, [1, 2]);
  const big = simpleResponse(scalars, { fInt64: 5n, fUint64: "18446744073709551615", fBytes: new Uint8Array([1]) });
  assert.equal(big.fInt64, 5n);
  assert.equal(big.fUint64, 18446744073709551615n);
});

test("simpleResponse leaves ProtoJSON-only forms and anything doubtful to the general path", () => {
  const general = [
    [response, { business_request_id: "proto name" }],
    [allTypes, { customAlias: "json_name" }],
    [allTypes, { toString: "json name of to_string" }],
    [allTypes, { color: "COLOR_RED" }],
    [scalars, { fInt64: "1e3" }],
    [scalars, { fInt32: "5" }],
    [scalars, { fBytes: "aGk=" }],
    [scalars, { fDouble: "NaN" }],
    [scalars, { fInt32: null }],
    [allTypes, { ts: "2024-01-01T00:00:00Z" }],
    [allTypes, { choice: { case: "choiceString", value: "x" } }],
    [allTypes, { choiceString: "x" }],
    [allTypes, { mapStringInt32: { a: 1 } }],
    [allTypes, { wInt32: 1 }],
    [response, { result: 1, debug: true }],
    [response, new (class Reply { result = 1; })()],
  ];
  for (const [desc, value] of general) {
    assert.equal(simpleResponse(desc, value), undefined, JSON.stringify(Object.keys(value)));
  }
});

test("simpleResponse declines a local name that ProtoJSON reads as another field", () => {
  // proto2 lets a json_name repeat another field's default json name (protoc
  // rejects that in proto3): "fooBar" is foo_bar's local name, but ProtoJSON
  // reads it as baz. A local name that is no JSON name (custom_field) is fine.
  const conflict = Registry.fromFileDescriptorProtos([
    {
      name: "conflict.proto",
      package: "conflict",
      syntax: "proto2",
      messageType: [
        {
          name: "M",
          field: [
            { name: "foo_bar", number: 1, label: 1, type: 9, jsonName: "fooBar" },
            { name: "baz", number: 2, label: 1, type: 9, jsonName: "fooBar" },
          ],
        },
      ],
    },
  ]).getMessage("conflict.M");
  assert.equal(simpleResponse(conflict, { fooBar: "x" }), undefined);
  assert.equal(normalizeResponse(conflict, { fooBar: "x" }).baz, "x");
  assert.equal(simpleResponse(conflict, { baz: "y" }).baz, "y");
  assert.equal(simpleResponse(allTypes, { customField: "c" }).customField, "c");
});

// Random objects mixing local, json and proto names, unknown keys and values
// of every type (right and wrong): whenever the shortcut answers, the general
// rule must answer the same message.
function randomValue(random, depth) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const pool = [
    () => undefined,
    () => null,
    () => pick([0, -0, 1, -1, 1.5, 2147483647, -2147483648, 4294967295, 2 ** 53 + 2, 1e40, NaN, Infinity, -Infinity]),
    () => pick([0n, -1n, 5n, 2n ** 63n, 2n ** 64n - 1n, -(2n ** 63n)]),
    () => pick(["", "x", "5", "-7", "1e3", "NaN", "aGk=", "COLOR_RED", "18446744073709551615", "2024-01-01T00:00:00Z"]),
    () => pick([true, false]),
    () => new Uint8Array([1, 2]),
    () => Buffer.from("hi"),
    () => pick([[], [1, 2], ["a", "b"], [1, "x"], [true], [null], [1n]]),
    () => (depth < 3 ? randomObject(random, nested, depth + 1) : {}),
    () => createMessage(nested, { a: 3 }),
    () => ({ case: "choiceString", value: "v" }),
  ];
  return pick(pool)();
}

function randomObject(random, desc, depth = 0) {
  const obj = {};
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++) {
    const field = desc.fields[Math.floor(random() * desc.fields.length)];
    const r = random();
    const key = r < 0.7 ? field.localName : r < 0.8 ? field.name : r < 0.9 ? field.jsonName : "unknownKey";
    obj[key] = randomValue(random, depth);
  }
  return obj;
}

// Bytes, or the encoder's error (proto2 required fields may be missing).
function encoded(desc, message) {
  try {
    return encodeMessage(desc, message);
  } catch (error) {
    return error.message;
  }
}

test("simpleResponse agrees with ProtoJSON-then-init-object on random values", () => {
  const random = prng(20240611);
  let taken = 0;
  const runs = 4000;
  for (let i = 0; i < runs; i++) {
    const desc = [allTypes, scalars, nested, response, p2][i % 5];
    const value = randomObject(random, desc);
    const simple = simpleResponse(desc, value);
    if (simple === undefined) continue;
    taken++;
    const expected = reference(desc, value);
    const label = `${desc.typeName} ${JSON.stringify(value, (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`;
    assert.equal(expected.error, undefined, label);
    assert.deepStrictEqual(simple, expected.message, label);
    assert.deepEqual(encoded(desc, simple), encoded(desc, expected.message), label);
    assert.deepStrictEqual(normalizeResponse(desc, value), expected.message, label);
  }
  // The shortcut must actually be exercised, not just decline everything.
  assert.ok(taken > runs / 10, `shortcut taken ${taken} times`);
});
