// ProtoJSON: toJson output with protobuf-es defaults and options, strict
// fromJson input (json and proto names, int64 forms, enum names, base64
// variants, every WKT form), error messages, and random round trips.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ProtobufError,
  createMessage,
  fromJson,
  fromJsonString,
  toJson,
  toJsonString,
} from "../../src/protobuf/index.js";
import { fixtureRegistry, prng } from "../../test-support/codec/protoc.mjs";
import { randomGenerator } from "../../test-support/codec/random-messages.mjs";

const registry = fixtureRegistry();
const allTypes = registry.getMessage("codec.test.AllTypes");
const scalars = registry.getMessage("codec.test.Scalars");
const response = registry.getMessage("calculator.v1.CalculatorResponse");

function rejects(desc, json, message, options) {
  assert.throws(() => fromJson(desc, json, options), (e) => {
    assert.ok(e instanceof ProtobufError, `expected ProtobufError, got ${e}`);
    assert.equal(e.name, "ProtobufError");
    if (message instanceof RegExp) assert.match(e.message, message);
    else assert.equal(e.message, message);
    return true;
  });
}

test("toJson: json names, defaults omitted, int64 strings, enum names, base64", () => {
  const msg = createMessage(allTypes, {
    scalars: { fInt64: -5n, fUint64: 18446744073709551615n, fBytes: new Uint8Array([251, 255]), fDouble: NaN, fFloat: -Infinity, fInt32: 0, fString: "" },
    customField: "x",
    color: 2,
    packedColor: [1, 77],
    optInt32: 0,
    mapInt32String: { 5: "five" },
    mapBoolBool: { true: false },
    choice: { case: "choiceInt64", value: 9n },
  });
  assert.deepStrictEqual(toJson(allTypes, msg), {
    scalars: { fDouble: "NaN", fFloat: "-Infinity", fInt64: "-5", fUint64: "18446744073709551615", fBytes: "+/8=" },
    optInt32: 0,
    packedColor: ["COLOR_RED", 77],
    mapInt32String: { 5: "five" },
    mapBoolBool: { true: false },
    choiceInt64: "9",
    color: "COLOR_GREEN",
    customAlias: "x",
  });
  assert.deepStrictEqual(toJson(allTypes, createMessage(allTypes)), {});
});

test("toJson: calculator response uses explicit json names", () => {
  const msg = createMessage(response, { result: 42, serviceId: "svc", businessRequestId: "r-1" });
  assert.equal(toJsonString(response, msg), '{"result":42,"serviceId":"svc","businessRequestId":"r-1"}');
  assert.equal(toJsonString(response, msg, { prettySpaces: 2 }), '{\n  "result": 42,\n  "serviceId": "svc",\n  "businessRequestId": "r-1"\n}');
});

test("toJson options: useProtoFieldName, emitDefaultValues, enumAsInteger", () => {
  const msg = createMessage(scalars, { fInt64: 3n });
  assert.deepStrictEqual(toJson(scalars, msg, { useProtoFieldName: true }), { f_int64: "3" });
  assert.deepStrictEqual(toJson(scalars, msg, { emitDefaultValues: true }), {
    fDouble: 0,
    fFloat: 0,
    fInt32: 0,
    fInt64: "3",
    fUint32: 0,
    fUint64: "0",
    fSint32: 0,
    fSint64: "0",
    fFixed32: 0,
    fFixed64: "0",
    fSfixed32: 0,
    fSfixed64: "0",
    fBool: false,
    fString: "",
    fBytes: "",
  });
  const all = toJson(allTypes, createMessage(allTypes, { color: 3 }), { emitDefaultValues: true, enumAsInteger: true });
  assert.equal(all.color, 3);
  assert.deepStrictEqual(all.packedInt32, []);
  assert.deepStrictEqual(all.mapStringNested, {});
  assert.equal(all.nullValue, null, "NullValue is always null");
  assert.ok(!("optInt32" in all), "explicit presence: unset stays absent");
  assert.ok(!("nested" in all) && !("wInt32" in all) && !("choiceString" in all));
  assert.deepStrictEqual(toJson(allTypes, createMessage(allTypes, { color: 3 }), { alwaysEmitImplicit: true }).packedInt32, []);
});

test("toJson: well-known types in their JSON forms", () => {
  const msg = fromJson(allTypes, {
    ts: "2024-01-01T00:00:00.123Z",
    dur: "5.250s",
    fm: "customField,createdAt",
    st: { a: 1, b: [true, null, "s"], c: { d: {} } },
    val: [1, { x: "y" }],
    lv: ["a", 2],
    empty: {},
    wInt64: "7",
    wBytes: "AQI=",
    wBool: false,
    repWrapped: [1, 0],
    repTs: ["1970-01-01T00:00:01Z", "1969-12-31T23:59:59.000000001Z"],
  });
  assert.equal(msg.ts.seconds, 1704067200n);
  assert.equal(msg.ts.nanos, 123000000);
  assert.deepEqual(msg.fm.paths, ["custom_field", "created_at"]);
  assert.equal(msg.wInt64, 7n);
  assert.equal(msg.wBool, false);
  assert.deepStrictEqual(toJson(allTypes, msg), {
    ts: "2024-01-01T00:00:00.123Z",
    dur: "5.250s",
    st: { a: 1, b: [true, null, "s"], c: { d: {} } },
    val: [1, { x: "y" }],
    lv: ["a", 2],
    fm: "customField,createdAt",
    empty: {},
    wInt64: "7",
    wBool: false,
    wBytes: "AQI=",
    repWrapped: [1, 0],
    repTs: ["1970-01-01T00:00:01Z", "1969-12-31T23:59:59.000000001Z"],
  });
});

test("Timestamp and Duration formatting", () => {
  const ts = (seconds, nanos) => toJson(allTypes, createMessage(allTypes, { ts: { seconds, nanos } })).ts;
  assert.equal(ts(0n, 0), "1970-01-01T00:00:00Z");
  assert.equal(ts(1704067200n, 120000000), "2024-01-01T00:00:00.120Z");
  assert.equal(ts(1704067200n, 123456000), "2024-01-01T00:00:00.123456Z");
  assert.equal(ts(1704067200n, 1), "2024-01-01T00:00:00.000000001Z");
  assert.equal(ts(-62135596800n, 0), "0001-01-01T00:00:00Z");
  assert.equal(ts(253402300799n, 999999999), "9999-12-31T23:59:59.999999999Z");
  assert.throws(() => ts(253402300800n, 0), /cannot encode message google.protobuf.Timestamp to JSON: timestamp must be from/);
  const dur = (seconds, nanos) => toJson(allTypes, createMessage(allTypes, { dur: { seconds, nanos } })).dur;
  assert.equal(dur(5n, 250000000), "5.250s");
  assert.equal(dur(0n, 0), "0s");
  assert.equal(dur(0n, -500000000), "-0.500s");
  assert.equal(dur(-1n, -1000), "-1.000001s");
  assert.equal(dur(315576000000n, 0), "315576000000s");
  assert.throws(() => dur(1n, -1), /different signs/);
});

test("fromJson: json names and proto names, int64 as string or number", () => {
  const byJsonName = fromJson(response, { result: 1.5, serviceId: "a", secretToken: "t" });
  const byProtoName = fromJson(response, { result: 1.5, service_id: "a", secret_token: "t" });
  assert.deepStrictEqual(byJsonName, byProtoName);
  assert.equal(byJsonName.serviceId, "a");
  const custom = fromJson(allTypes, { custom_field: "p" });
  assert.equal(custom.customField, "p");
  assert.equal(fromJson(allTypes, { customAlias: "j" }).customField, "j");
  rejects(allTypes, { customField: "x" }, 'cannot decode message codec.test.AllTypes from JSON: key "customField" is unknown');

  const s = fromJson(scalars, {
    fInt64: "-9223372036854775808",
    fUint64: "18446744073709551615",
    fSint64: 42,
    fFixed64: "0",
    fSfixed64: -9007199254740991,
    fInt32: "12",
    fUint32: 4294967295,
    fFixed32: 1e3,
  });
  assert.equal(s.fInt64, -9223372036854775808n);
  assert.equal(s.fUint64, 18446744073709551615n);
  assert.equal(s.fSint64, 42n);
  assert.equal(s.fSfixed64, -9007199254740991n);
  assert.equal(s.fInt32, 12);
  assert.equal(s.fFixed32, 1000);
});

test("fromJson: floats, bools, strings", () => {
  const s = fromJson(scalars, { fDouble: "NaN", fFloat: "Infinity" });
  assert.ok(Number.isNaN(s.fDouble));
  assert.equal(s.fFloat, Infinity);
  assert.equal(fromJson(scalars, { fDouble: "-Infinity" }).fDouble, -Infinity);
  assert.equal(fromJson(scalars, { fDouble: "1.5e3" }).fDouble, 1500);
  assert.equal(fromJson(scalars, { fDouble: -0.25 }).fDouble, -0.25);
  assert.equal(fromJson(scalars, { fBool: true }).fBool, true);
  assert.equal(fromJson(scalars, { fString: "é\u0000" }).fString, "é\u0000");
});

test("fromJson: bytes in standard and URL-safe base64, padded or not", () => {
  const expected = new Uint8Array([251, 255, 191]);
  for (const text of ["+/+/", "-_-_", "+/+/", "-_-_"]) assert.deepEqual(fromJson(scalars, { fBytes: text }).fBytes, expected);
  assert.deepEqual(fromJson(scalars, { fBytes: "AQ==" }).fBytes, new Uint8Array([1]));
  assert.deepEqual(fromJson(scalars, { fBytes: "AQ" }).fBytes, new Uint8Array([1]));
  assert.deepEqual(fromJson(scalars, { fBytes: "AQI" }).fBytes, new Uint8Array([1, 2]));
  assert.deepEqual(fromJson(scalars, { fBytes: "" }).fBytes, new Uint8Array(0));
  rejects(scalars, { fBytes: "A" }, 'cannot decode field codec.test.Scalars.f_bytes from JSON: invalid bytes value "A"');
  rejects(scalars, { fBytes: "AQ=x" }, /invalid bytes value/);
  rejects(scalars, { fBytes: "A Q" }, /invalid bytes value/);
});

test("fromJson: enums by name or number, unknown names rejected or ignored", () => {
  assert.equal(fromJson(allTypes, { color: "COLOR_BLUE" }).color, 3);
  assert.equal(fromJson(allTypes, { color: 2 }).color, 2);
  assert.equal(fromJson(allTypes, { color: 77 }).color, 77, "open enum keeps unknown numbers");
  assert.deepEqual(fromJson(allTypes, { packedColor: ["COLOR_RED", 5] }).packedColor, [1, 5]);
  rejects(allTypes, { color: "PURPLE" }, 'cannot decode field codec.test.AllTypes.color from JSON: unknown value "PURPLE" for enum codec.test.Color');
  rejects(allTypes, { color: 1.5 }, /invalid value 1.5 for enum codec.test.Color/);
  assert.equal(fromJson(allTypes, { color: "PURPLE" }, { ignoreUnknownFields: true }).color, 0);
  assert.deepEqual(fromJson(allTypes, { packedColor: ["PURPLE", "COLOR_RED"] }, { ignoreUnknownFields: true }).packedColor, [1]);
  const p2 = registry.getMessage("codec.test2.P2");
  assert.equal(fromJson(p2, { kind: "KIND_C" }).kind, 5);
  rejects(p2, { kind: 3 }, /3 is not a value of closed enum codec.test2.Kind/);
});

test("fromJson: null resets fields; oneof members may be null", () => {
  const msg = fromJson(allTypes, { color: null, optInt32: null, nested: null, packedInt32: null, mapStringInt32: null, wInt32: null, choiceString: null, choiceInt64: "3" });
  assert.equal(msg.color, 0);
  assert.equal(msg.optInt32, undefined);
  assert.equal(msg.nested, undefined);
  assert.deepEqual(msg.packedInt32, []);
  assert.equal(msg.wInt32, undefined);
  assert.deepEqual(msg.choice, { case: "choiceInt64", value: 3n });
  assert.deepEqual(fromJson(allTypes, { val: null }).val.kind, { case: "nullValue", value: 0 });
  assert.equal(fromJson(allTypes, { nullValue: null }).nullValue, 0);
  rejects(allTypes, { choiceString: "a", choiceInt64: 1 }, /oneof choice set multiple times, by "choice_string" and "choice_int64"/);
  rejects(allTypes, { packedInt32: [1, null] }, /list item must not be null/);
  rejects(allTypes, { mapStringInt32: { a: null } }, /map value must not be null/);
});

test("fromJson: maps with non-string keys", () => {
  const msg = fromJson(allTypes, {
    mapInt32String: { "-1": "m", 2: "t" },
    mapBoolBool: { true: true, false: true },
    mapInt64Nested: { "9223372036854775807": { a: 1 } },
    mapUint32Color: { 7: "COLOR_RED" },
    mapFixed64Double: { 1: "NaN" },
  });
  assert.deepEqual(msg.mapInt32String, { "-1": "m", 2: "t" });
  assert.deepEqual(msg.mapBoolBool, { true: true, false: true });
  assert.equal(msg.mapInt64Nested["9223372036854775807"].a, 1);
  assert.deepEqual(msg.mapUint32Color, { 7: 1 });
  rejects(allTypes, { mapInt32String: { x: "m" } }, 'cannot decode field codec.test.AllTypes.map_int32_string from JSON: invalid int32 map key "x"');
  rejects(allTypes, { mapBoolBool: { yes: true } }, /invalid bool map key "yes"/);
  rejects(allTypes, { mapUint32Color: { "-1": 1 } }, /invalid uint32 map key "-1"/);
});

test("fromJson: wrong types are rejected with the field named", () => {
  const f = "cannot decode field codec.test.Scalars.";
  rejects(scalars, { fInt32: "abc" }, `${f}f_int32 from JSON: invalid int32 value "abc"`);
  rejects(scalars, { fInt32: 1.5 }, `${f}f_int32 from JSON: invalid int32 value 1.5`);
  rejects(scalars, { fInt32: 2147483648 }, `${f}f_int32 from JSON: invalid int32 value 2147483648`);
  rejects(scalars, { fUint32: -1 }, `${f}f_uint32 from JSON: invalid uint32 value -1`);
  rejects(scalars, { fInt64: "1.5" }, /invalid int64 value "1.5"/);
  rejects(scalars, { fInt64: "9223372036854775808" }, /invalid int64 value/);
  rejects(scalars, { fUint64: "-1" }, /invalid uint64 value "-1"/);
  rejects(scalars, { fInt64: " 1" }, /invalid int64 value/);
  rejects(scalars, { fBool: "true" }, `${f}f_bool from JSON: invalid bool value "true"`);
  rejects(scalars, { fString: 5 }, `${f}f_string from JSON: invalid string value 5`);
  rejects(scalars, { fFloat: 1e39 }, /invalid float value/);
  rejects(scalars, { fDouble: "nan" }, /invalid double value "nan"/);
  rejects(scalars, { fDouble: {} }, /invalid double value object/);
  rejects(allTypes, { packedInt32: 5 }, /packed_int32 from JSON: expected an array, got 5/);
  rejects(allTypes, { mapStringInt32: [] }, /map_string_int32 from JSON: expected an object/);
  rejects(allTypes, { nested: 5 }, "cannot decode message codec.test.Nested from JSON: expected a JSON object, got 5");
  rejects(allTypes, [], "cannot decode message codec.test.AllTypes from JSON: expected a JSON object, got array(0)");
  rejects(allTypes, null, /expected a JSON object, got null/);
});

test("fromJson: unknown keys are rejected unless ignoreUnknownFields", () => {
  rejects(scalars, { fInt32: 1, extra: true }, 'cannot decode message codec.test.Scalars from JSON: key "extra" is unknown');
  rejects(allTypes, { nested: { zzz: 1 } }, 'cannot decode message codec.test.Nested from JSON: key "zzz" is unknown');
  assert.equal(fromJson(scalars, { fInt32: 1, extra: true }, { ignoreUnknownFields: true }).fInt32, 1);
});

test("fromJson: Timestamp forms", () => {
  const ts = (text) => fromJson(allTypes, { ts: text }).ts;
  assert.deepEqual([ts("2024-01-01T08:00:00+08:00").seconds, ts("2024-01-01T08:00:00+08:00").nanos], [1704067200n, 0]);
  assert.equal(ts("2023-12-31T19:30:00-04:30").seconds, 1704067200n);
  assert.equal(ts("1970-01-01T00:00:00.5Z").nanos, 500000000);
  assert.equal(ts("1970-01-01T00:00:00.000000001Z").nanos, 1);
  assert.equal(ts("0001-01-01T00:00:00Z").seconds, -62135596800n);
  assert.equal(ts("1969-12-31T23:59:59Z").seconds, -1n);
  for (const bad of ["2024-01-01", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567890Z"]) {
    rejects(allTypes, { ts: bad }, /cannot decode message google.protobuf.Timestamp from JSON: invalid RFC 3339/);
  }
  rejects(allTypes, { ts: 5 }, /Timestamp from JSON: expected an RFC 3339 string, got number/);
});

test("fromJson: Duration, FieldMask forms", () => {
  const dur = (text) => {
    const d = fromJson(allTypes, { dur: text }).dur;
    return [d.seconds, d.nanos];
  };
  assert.deepEqual(dur("1s"), [1n, 0]);
  assert.deepEqual(dur("-0.5s"), [0n, -500000000]);
  assert.deepEqual(dur("-3.000000001s"), [-3n, -1]);
  assert.deepEqual(dur("315576000000s"), [315576000000n, 0]);
  for (const bad of ["1", "1.5", "s", "1.s", "1.0000000001s", "315576000001s", "+1s", " 1s"]) {
    rejects(allTypes, { dur: bad }, /cannot decode message google.protobuf.Duration from JSON/);
  }
  assert.deepEqual(fromJson(allTypes, { fm: "a,bC,d.eF" }).fm.paths, ["a", "b_c", "d.e_f"]);
  assert.deepEqual(fromJson(allTypes, { fm: "" }).fm.paths, []);
  rejects(allTypes, { fm: "a_b" }, /FieldMask from JSON: path "a_b" must be lowerCamelCase/);
  assert.throws(
    () => toJson(allTypes, createMessage(allTypes, { fm: { paths: ["aB"] } })),
    /FieldMask to JSON: lowerCamelCase of path "aB" is irreversible/,
  );
});

test("fromJson: Struct, Value, ListValue accept any JSON", () => {
  const msg = fromJson(allTypes, { st: { n: 1, s: "x", b: false, z: null, l: [1, [2]], o: { p: {} } }, val: "str", lv: [] });
  assert.deepEqual(msg.st.fields.n.kind, { case: "numberValue", value: 1 });
  assert.equal(msg.st.fields.l.kind.value.values[1].kind.value.values[0].kind.value, 2);
  assert.deepEqual(msg.val.kind, { case: "stringValue", value: "str" });
  assert.deepEqual(msg.lv.values, []);
  rejects(allTypes, { st: [1] }, /Struct from JSON: expected a JSON object/);
  rejects(allTypes, { lv: {} }, /ListValue from JSON: expected a JSON array/);
  assert.throws(
    () => toJson(allTypes, createMessage(allTypes, { val: { kind: { case: "numberValue", value: Infinity } } })),
    /numberValue must be a finite number/,
  );
  assert.throws(() => toJson(allTypes, createMessage(allTypes, { val: {} })), /google.protobuf.Value must have a value/);
});

test("fromJson/toJson: Any through the descriptor's registry", () => {
  const msg = fromJson(allTypes, { any: { "@type": "type.googleapis.com/codec.test.Nested", a: 5, b: "x" } });
  assert.equal(msg.any.typeUrl, "type.googleapis.com/codec.test.Nested");
  assert.deepEqual(msg.any.value, new Uint8Array([8, 5, 18, 1, 120]));
  assert.deepStrictEqual(toJson(allTypes, msg).any, { a: 5, b: "x", "@type": "type.googleapis.com/codec.test.Nested" });
  const wkt = fromJson(allTypes, { any: { "@type": "type.googleapis.com/google.protobuf.Duration", value: "1.5s" } });
  assert.deepStrictEqual(toJson(allTypes, wkt).any, { value: "1.500s", "@type": "type.googleapis.com/google.protobuf.Duration" });
  const empty = fromJson(allTypes, { any: { "@type": "type.googleapis.com/google.protobuf.Empty", value: {} } });
  assert.deepStrictEqual(toJson(allTypes, empty).any, { value: {}, "@type": "type.googleapis.com/google.protobuf.Empty" });
  assert.deepStrictEqual(toJson(allTypes, fromJson(allTypes, { any: {} })).any, {});
  rejects(allTypes, { any: { "@type": "type.googleapis.com/x.Unknown" } }, /Any from JSON: type.googleapis.com\/x.Unknown is not in the type registry/);
  rejects(allTypes, { any: { a: 1 } }, /Any from JSON: "@type" is empty/);
  rejects(allTypes, { any: { "@type": "type.googleapis.com/codec.test.Nested", nope: 1 } }, /Nested from JSON: key "nope" is unknown/);
  assert.throws(
    () => toJson(allTypes, createMessage(allTypes, { any: { typeUrl: "type.googleapis.com/x.Unknown", value: new Uint8Array(0) } })),
    /"type.googleapis.com\/x.Unknown" is not in the type registry/,
  );
});

test("fromJsonString parses text and reports syntax errors", () => {
  assert.equal(fromJsonString(response, '{"result": 42}').result, 42);
  assert.throws(() => fromJsonString(response, "{"), (e) => e instanceof ProtobufError && /^cannot decode message calculator.v1.CalculatorResponse from JSON: /.test(e.message));
});

test("toJson rejects values of the wrong type", () => {
  assert.throws(() => toJson(scalars, { $typeName: "codec.test.Scalars", fInt32: "1" }), {
    name: "ProtobufError",
    message: 'cannot encode field codec.test.Scalars.f_int32 to JSON: expected int32, got "1"',
  });
  assert.throws(() => toJson(scalars, { $typeName: "codec.test.Nested" }), /got a message of type codec.test.Nested/);
});

test("random messages survive toJson → fromJson and toJsonString → fromJsonString", () => {
  const random = randomGenerator(prng(99), registry);
  for (let i = 0; i < 150; i++) {
    const msg = createMessage(allTypes, random());
    assert.deepStrictEqual(fromJson(allTypes, toJson(allTypes, msg)), msg, `message ${i}`);
    assert.deepStrictEqual(fromJsonString(allTypes, toJsonString(allTypes, msg, { useProtoFieldName: true })), msg, `message ${i} (proto names)`);
  }
});

test('a "__proto__" map key or Struct key is an ordinary entry', () => {
  const json = JSON.parse('{"mapStringInt32": {"__proto__": 5}, "st": {"__proto__": 1}}');
  const msg = fromJson(allTypes, json);
  assert.deepEqual(Object.keys(msg.mapStringInt32), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(msg.mapStringInt32), Object.prototype);
  assert.deepStrictEqual(toJson(allTypes, msg), json);
  const created = createMessage(allTypes, { mapStringInt32: msg.mapStringInt32 });
  assert.equal(Object.getOwnPropertyDescriptor(created.mapStringInt32, "__proto__").value, 5);
});

test("fuzz: random JSON only ever raises ProtobufError", () => {
  const random = prng(4242);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const keys = [...allTypes.fields.flatMap((f) => [f.name, f.jsonName]), "extra", "@type", "__proto__"];
  const atoms = [null, true, false, 0, -1, 1.5, 1e40, "", "x", "NaN", "1", "-9223372036854775809", "AQ==", "COLOR_RED", "2024-01-01T00:00:00Z", "1s", "a,b"];
  const value = (depth) => {
    const r = random();
    if (depth > 3 || r < 0.5) return pick(atoms);
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
    const o = {};
    for (let i = Math.floor(random() * 4); i > 0; i--) o[pick(keys)] = value(depth + 1);
    return o;
  };
  let accepted = 0;
  for (let i = 0; i < 4000; i++) {
    const json = {};
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) json[pick(keys)] = value(0);
    let msg;
    try {
      msg = fromJson(allTypes, json, { ignoreUnknownFields: random() < 0.3 });
    } catch (e) {
      assert.ok(e instanceof ProtobufError, `${JSON.stringify(json)} threw ${e?.name}: ${e?.message}`);
      continue;
    }
    accepted++;
    // whatever was accepted can be written back out
    toJson(allTypes, msg);
  }
  assert.ok(accepted > 200, `accepted ${accepted}`);
});
