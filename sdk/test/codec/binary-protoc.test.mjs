// Binary codec checked against protoc: our encoding must read back in protoc
// as the expected text format, and protoc's encoding of that text must decode
// to the same message object.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createMessage, decodeMessage, encodeMessage } from "../../src/protobuf/index.js";
import { fixtureRegistry, hex, protocDecode, protocEncode } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();

// Both directions for one message: ours → protoc text, protoc text → ours.
function assertBothWays(typeName, init, expectedText) {
  const desc = registry.getMessage(typeName);
  const message = createMessage(desc, init);
  const bytes = encodeMessage(desc, message);
  assert.equal(protocDecode(typeName, bytes), expectedText);
  const decoded = decodeMessage(desc, protocEncode(typeName, expectedText));
  assert.deepStrictEqual(decoded, message);
  return decoded;
}

test("all 15 scalar kinds, ordinary values", () => {
  assertBothWays(
    "codec.test.Scalars",
    {
      fDouble: 1.5,
      fFloat: 2.25,
      fInt32: -5,
      fInt64: -9007199254740993n,
      fUint32: 7,
      fUint64: 9007199254740993n,
      fSint32: -3,
      fSint64: -4n,
      fFixed32: 8,
      fFixed64: 9n,
      fSfixed32: -10,
      fSfixed64: -11n,
      fBool: true,
      fString: "héllo ✓ 𝄞",
      fBytes: new Uint8Array([0, 1, 127, 128, 255]),
    },
    `f_double: 1.5
f_float: 2.25
f_int32: -5
f_int64: -9007199254740993
f_uint32: 7
f_uint64: 9007199254740993
f_sint32: -3
f_sint64: -4
f_fixed32: 8
f_fixed64: 9
f_sfixed32: -10
f_sfixed64: -11
f_bool: true
f_string: "h\\303\\251llo \\342\\234\\223 \\360\\235\\204\\236"
f_bytes: "\\000\\001\\177\\200\\377"
`,
  );
});

test("scalar extremes", () => {
  assertBothWays(
    "codec.test.Scalars",
    {
      fDouble: -1e300,
      fFloat: -3.4028234663852886e38,
      fInt32: -2147483648,
      fInt64: -9223372036854775808n,
      fUint32: 4294967295,
      fUint64: 18446744073709551615n,
      fSint32: -2147483648,
      fSint64: -9223372036854775808n,
      fFixed32: 4294967295,
      fFixed64: 18446744073709551615n,
      fSfixed32: -2147483648,
      fSfixed64: -9223372036854775808n,
    },
    `f_double: -1e+300
f_float: -3.40282347e+38
f_int32: -2147483648
f_int64: -9223372036854775808
f_uint32: 4294967295
f_uint64: 18446744073709551615
f_sint32: -2147483648
f_sint64: -9223372036854775808
f_fixed32: 4294967295
f_fixed64: 18446744073709551615
f_sfixed32: -2147483648
f_sfixed64: -9223372036854775808
`,
  );
  assertBothWays(
    "codec.test.Scalars",
    { fDouble: Infinity, fFloat: -Infinity, fInt32: 2147483647, fInt64: 9223372036854775807n, fSint32: 2147483647, fSint64: 9223372036854775807n },
    `f_double: inf
f_float: -inf
f_int32: 2147483647
f_int64: 9223372036854775807
f_sint32: 2147483647
f_sint64: 9223372036854775807
`,
  );
  const nan = assertBothWays("codec.test.Scalars", { fDouble: NaN, fFloat: NaN }, "f_double: nan\nf_float: nan\n");
  assert.ok(Number.isNaN(nan.fDouble));
});

test("implicit presence: zero values are not written", () => {
  const desc = registry.getMessage("codec.test.Scalars");
  const bytes = encodeMessage(desc, createMessage(desc, { fInt32: 0, fString: "", fBool: false, fInt64: 0n, fBytes: new Uint8Array(0) }));
  assert.equal(bytes.length, 0);
  const empty = decodeMessage(desc, new Uint8Array(0));
  assert.deepStrictEqual(empty, createMessage(desc));
  assert.equal(empty.fInt64, 0n);
  assert.deepEqual(empty.fBytes, new Uint8Array(0));
});

test("proto3 optional: zero is present, unset is undefined", () => {
  const decoded = assertBothWays(
    "codec.test.AllTypes",
    { optInt32: 0, optString: "", optColor: 0, optInt64: 0n, optBytes: new Uint8Array(0) },
    `opt_int32: 0
opt_string: ""
opt_color: COLOR_UNSPECIFIED
opt_int64: 0
opt_bytes: ""
`,
  );
  assert.equal(decoded.optInt32, 0);
  const none = decodeMessage(registry.getMessage("codec.test.AllTypes"), new Uint8Array(0));
  assert.equal(none.optInt32, undefined);
  assert.ok(!("optInt32" in none));
  assert.equal(none.nested, undefined);
});

test("repeated: packed by default, [packed=false] unpacked", () => {
  const desc = registry.getMessage("codec.test.AllTypes");
  const message = createMessage(desc, { packedInt32: [1, -1, 300], unpackedInt32: [1, -1] });
  const bytes = encodeMessage(desc, message);
  // 10 (packed) → tag 0x52, one length-prefixed run; 16 (unpacked) → tag 0x80 0x01 per value.
  assert.deepEqual(
    bytes,
    hex("52 0d 01 ff ff ff ff ff ff ff ff ff 01 ac 02 80 01 01 80 01 ff ff ff ff ff ff ff ff ff 01"),
  );
  assertBothWays(
    "codec.test.AllTypes",
    {
      packedInt32: [3, 270, -86942],
      packedDouble: [1.5, -0.25],
      packedSint64: [-1n, 1n, -9223372036854775808n],
      packedBool: [true, false, true],
      packedFixed32: [1, 4294967295],
      packedColor: [1, 2, 3],
      unpackedInt32: [7, 8],
      unpackedUint64: [18446744073709551615n],
      unpackedFloat: [0.5, -2],
      unpackedColor: [3, 0],
      repString: ["a", "", "c"],
      repBytes: [new Uint8Array([1]), new Uint8Array(0)],
      packedSfixed64: [-2n, 2n],
    },
    `packed_int32: 3
packed_int32: 270
packed_int32: -86942
packed_double: 1.5
packed_double: -0.25
packed_sint64: -1
packed_sint64: 1
packed_sint64: -9223372036854775808
packed_bool: true
packed_bool: false
packed_bool: true
packed_fixed32: 1
packed_fixed32: 4294967295
packed_color: COLOR_RED
packed_color: COLOR_GREEN
packed_color: COLOR_BLUE
unpacked_int32: 7
unpacked_int32: 8
unpacked_uint64: 18446744073709551615
unpacked_float: 0.5
unpacked_float: -2
unpacked_color: COLOR_BLUE
unpacked_color: COLOR_UNSPECIFIED
rep_string: "a"
rep_string: ""
rep_string: "c"
rep_bytes: "\\001"
rep_bytes: ""
packed_sfixed64: -2
packed_sfixed64: 2
`,
  );
});

test("repeated: both packed and unpacked encodings are accepted on decode", () => {
  const desc = registry.getMessage("codec.test.AllTypes");
  // packed_int32 (10) sent unpacked, unpacked_int32 (16) sent packed, mixed in one message
  const decoded = decodeMessage(desc, hex("50 01 50 02 52 02 03 04 82 01 02 05 06 80 01 07"));
  assert.deepEqual(decoded.packedInt32, [1, 2, 3, 4]);
  assert.deepEqual(decoded.unpackedInt32, [5, 6, 7]);
  // packed doubles and fixed32
  const doubles = decodeMessage(desc, hex("5a 10 00 00 00 00 00 00 f8 3f 00 00 00 00 00 00 00 c0"));
  assert.deepEqual(doubles.packedDouble, [1.5, -2]);
});

test("maps with several key types and message values", () => {
  const decoded = assertBothWays(
    "codec.test.AllTypes",
    {
      mapStringInt32: { one: 1, two: 2 },
      mapInt32String: { "-1": "minus", 7: "seven" },
      mapInt64Nested: { "9007199254740993": { a: 1 } },
      mapBoolBool: { true: true, false: false },
      mapUint32Color: { 4294967295: 2 },
      mapSint64Bytes: { "-5": new Uint8Array([9]) },
      mapStringNested: { k: { b: "v", children: [{ a: 2 }] } },
      mapFixed64Double: { 3: 0.5 },
    },
    `map_string_int32 {
  key: "one"
  value: 1
}
map_string_int32 {
  key: "two"
  value: 2
}
map_int32_string {
  key: -1
  value: "minus"
}
map_int32_string {
  key: 7
  value: "seven"
}
map_int64_nested {
  key: 9007199254740993
  value {
    a: 1
  }
}
map_bool_bool {
  key: false
  value: false
}
map_bool_bool {
  key: true
  value: true
}
map_uint32_color {
  key: 4294967295
  value: COLOR_GREEN
}
map_sint64_bytes {
  key: -5
  value: "\\t"
}
map_string_nested {
  key: "k"
  value {
    b: "v"
    children {
      a: 2
    }
  }
}
map_fixed64_double {
  key: 3
  value: 0.5
}
`,
  );
  assert.equal(decoded.mapInt64Nested["9007199254740993"].a, 1);
  assert.equal(decoded.mapBoolBool.true, true);
});

test("map entries with missing key or value decode to zero values", () => {
  const desc = registry.getMessage("codec.test.AllTypes");
  // map_string_int32 (30): entry with only a value; entry with only a key
  const decoded = decodeMessage(desc, hex("f2 01 02 10 05 f2 01 03 0a 01 78"));
  assert.deepEqual(decoded.mapStringInt32, { "": 5, x: 0 });
  // map_string_nested (36): entry without value → empty message
  const nested = decodeMessage(desc, hex("a2 02 03 0a 01 6b"));
  assert.deepStrictEqual(nested.mapStringNested.k, createMessage(registry.getMessage("codec.test.Nested")));
});

test("oneof: each case, last one wins on the wire", () => {
  const cases = [
    [{ case: "choiceString", value: "" }, 'choice_string: ""\n'],
    [{ case: "choiceInt64", value: -1n }, "choice_int64: -1\n"],
    [{ case: "choiceNested", value: { a: 4 } }, "choice_nested {\n  a: 4\n}\n"],
    [{ case: "choiceColor", value: 0 }, "choice_color: COLOR_UNSPECIFIED\n"],
    [{ case: "choiceWrapped", value: 12 }, "choice_wrapped {\n  value: 12\n}\n"],
  ];
  for (const [choice, text] of cases) {
    const decoded = assertBothWays("codec.test.AllTypes", { choice }, text);
    assert.equal(decoded.choice.case, choice.case);
  }
  const desc = registry.getMessage("codec.test.AllTypes");
  assert.deepEqual(decodeMessage(desc, new Uint8Array(0)).choice, { case: undefined });
  // choice_string then choice_int64: the later field wins
  const both = decodeMessage(desc, hex("c2 02 01 61 c8 02 05"));
  assert.deepEqual(both.choice, { case: "choiceInt64", value: 5n });
});

test("nested and recursive messages", () => {
  let recursive = { depth: 5 };
  for (let d = 4; d >= 0; d--) recursive = { depth: d, child: recursive };
  const decoded = assertBothWays(
    "codec.test.AllTypes",
    { nested: { a: 1, b: "x", children: [{ a: 2 }, { children: [{ b: "deep" }] }] }, recursive },
    `nested {
  a: 1
  b: "x"
  children {
    a: 2
  }
  children {
    children {
      b: "deep"
    }
  }
}
recursive {
  child {
    child {
      child {
        child {
          child {
            depth: 5
          }
          depth: 4
        }
        depth: 3
      }
      depth: 2
    }
    depth: 1
  }
}
`,
  );
  assert.equal(decoded.recursive.child.child.child.child.child.depth, 5);
  assert.equal(decoded.nested.children[1].children[0].b, "deep");
});

test("a message field sent twice is merged", () => {
  const desc = registry.getMessage("codec.test.AllTypes");
  // nested (50) {a: 1} then nested {b: "x"}
  const decoded = decodeMessage(desc, hex("92 03 02 08 01 92 03 03 12 01 78"));
  assert.equal(decoded.nested.a, 1);
  assert.equal(decoded.nested.b, "x");
});

test("open enums keep unknown numbers", () => {
  const decoded = assertBothWays(
    "codec.test.AllTypes",
    { color: 42, packedColor: [1, 99, -1], optColor: 7 },
    `opt_color: 7
packed_color: COLOR_RED
packed_color: 99
packed_color: -1
color: 42
`,
  );
  assert.equal(decoded.color, 42);
});

test("well-known types are messages; wrappers are unboxed", () => {
  const decoded = assertBothWays(
    "codec.test.AllTypes",
    {
      ts: { seconds: 1704067200n, nanos: 123000000 },
      dur: { seconds: -5n, nanos: -250000000 },
      st: { fields: { a: { kind: { case: "numberValue", value: 1 } } } },
      val: { kind: { case: "listValue", value: { values: [{ kind: { case: "boolValue", value: true } }] } } },
      lv: { values: [{ kind: { case: "nullValue", value: 0 } }] },
      fm: { paths: ["a.b", "c"] },
      any: { typeUrl: "type.googleapis.com/codec.test.Nested", value: new Uint8Array([8, 5]) },
      empty: {},
      wDouble: 0,
      wFloat: 1.5,
      wInt64: -3n,
      wUint64: 18446744073709551615n,
      wInt32: 7,
      wUint32: 8,
      wBool: true,
      wString: "s",
      wBytes: new Uint8Array([1, 2]),
      repWrapped: [{ value: 0 }, { value: 5 }],
      repTs: [{ seconds: 1n }],
    },
    `ts {
  seconds: 1704067200
  nanos: 123000000
}
dur {
  seconds: -5
  nanos: -250000000
}
st {
  fields {
    key: "a"
    value {
      number_value: 1
    }
  }
}
val {
  list_value {
    values {
      bool_value: true
    }
  }
}
lv {
  values {
    null_value: NULL_VALUE
  }
}
fm {
  paths: "a.b"
  paths: "c"
}
any {
  type_url: "type.googleapis.com/codec.test.Nested"
  value: "\\010\\005"
}
empty {
}
w_double {
}
w_float {
  value: 1.5
}
w_int64 {
  value: -3
}
w_uint64 {
  value: 18446744073709551615
}
w_int32 {
  value: 7
}
w_uint32 {
  value: 8
}
w_bool {
  value: true
}
w_string {
  value: "s"
}
w_bytes {
  value: "\\001\\002"
}
rep_wrapped {
}
rep_wrapped {
  value: 5
}
rep_ts {
  seconds: 1
}
`,
  );
  assert.equal(decoded.wDouble, 0, "a present wrapper holding zero unboxes to 0");
  assert.equal(decoded.wInt64, -3n);
  assert.deepEqual(decoded.wBytes, new Uint8Array([1, 2]));
  assert.equal(decoded.ts.$typeName, "google.protobuf.Timestamp");
  assert.equal(decoded.repWrapped[1].$typeName, "google.protobuf.Int32Value", "repeated wrappers stay messages");
  const none = decodeMessage(registry.getMessage("codec.test.AllTypes"), new Uint8Array(0));
  assert.equal(none.wInt32, undefined);
  assert.equal(none.ts, undefined);
});

test("fields are written in field-number order", () => {
  const desc = registry.getMessage("codec.test.Scalars");
  const bytes = encodeMessage(desc, { $typeName: "codec.test.Scalars", fBool: true, fInt32: 1 });
  assert.deepEqual(bytes, hex("18 01 68 01"));
  const big = registry.getMessage("codec.test.AllTypes");
  // field 536870911 (the largest field number) is a 5-byte tag
  assert.deepEqual(encodeMessage(big, createMessage(big, { maxNumberField: 1 })), hex("f8 ff ff ff 0f 01"));
  assert.equal(decodeMessage(big, hex("f8 ff ff ff 0f 01")).maxNumberField, 1);
});

test("unknown fields are kept and re-emitted", () => {
  const desc = registry.getMessage("codec.test.Scalars");
  // field 3 = 1, unknown 1000 varint 5, unknown 1001 length-delimited "ab", unknown group 1002
  const input = hex("18 01 c0 3e 05 ca 3e 02 61 62 d3 3e 08 01 d4 3e");
  const decoded = decodeMessage(desc, input);
  assert.equal(decoded.fInt32, 1);
  assert.deepEqual(
    decoded.$unknown.map((u) => [u.no, u.wireType, [...u.data]]),
    [
      [1000, 0, [5]],
      [1001, 2, [2, 0x61, 0x62]],
      [1002, 3, [8, 1, 0xd4, 0x3e]],
    ],
  );
  const reencoded = encodeMessage(desc, decoded);
  assert.deepEqual(reencoded, input);
  assert.equal(protocDecode("codec.test.Scalars", reencoded), 'f_int32: 1\n1000: 5\n1001: "ab"\n1002 {\n  1: 1\n}\n');
});

test("proto2: defaults through the prototype, presence as own property", () => {
  const desc = registry.getMessage("codec.test2.P2");
  const empty = decodeMessage(desc, hex("40 01")); // req = 1
  assert.equal(empty.optInt32, 42);
  assert.equal(empty.optString, "hello");
  assert.equal(empty.kind, 2);
  assert.equal(empty.kindNoDefault, 1, "no default: the first enum value");
  assert.equal(empty.optInt64, -7n);
  assert.equal(empty.optBool, true);
  assert.equal(empty.optDouble, Infinity);
  assert.equal(empty.optFloat, 1.5);
  assert.equal(empty.optUint64, 0n);
  assert.equal(Object.hasOwn(empty, "optInt32"), false);
  assert.equal(Object.hasOwn(empty, "req"), true);
  assert.equal(empty.child, undefined);
  // unset defaults are not written; a set value equal to the default is
  assert.deepEqual(encodeMessage(desc, empty), hex("40 01"));
  assertBothWays("codec.test2.P2", { req: 0, optInt32: 42, optString: "" }, 'opt_int32: 42\nopt_string: ""\nreq: 0\n');
});

test("proto2: groups, unpacked and packed repeats, closed enums", () => {
  const decoded = assertBothWays(
    "codec.test2.P2",
    {
      req: 3,
      mygroup: { gA: 5, gB: "g" },
      repgroup: [{ rA: 1 }, { rA: 2 }],
      rep: [1, 2],
      repPacked: [3, 4],
      kinds: [1, 5],
      child: { req: 4, kind: 5 },
    },
    `req: 3
rep: 1
rep: 2
rep_packed: 3
rep_packed: 4
MyGroup {
  g_a: 5
  g_b: "g"
}
RepGroup {
  r_a: 1
}
RepGroup {
  r_a: 2
}
kinds: KIND_A
kinds: KIND_C
child {
  kind: KIND_C
  req: 4
}
`,
  );
  assert.equal(decoded.mygroup.gA, 5);
  const desc = registry.getMessage("codec.test2.P2");
  // rep (9) unpacked on the wire: 48 01 48 02 ; rep_packed (10) packed: 52 02 03 04
  assert.deepEqual(encodeMessage(desc, createMessage(desc, { req: 1, rep: [1, 2], repPacked: [3, 4] })), hex("40 01 48 01 48 02 52 02 03 04"));
});

test("proto2: unknown values of a closed enum become unknown fields", () => {
  const desc = registry.getMessage("codec.test2.P2");
  // kind (3) = 9 (not a Kind), req = 1, kinds (17) = [1, 9]
  const input = hex("18 09 40 01 88 01 01 88 01 09");
  const decoded = decodeMessage(desc, input);
  assert.equal(decoded.kind, 2, "still unset: reads the default");
  assert.equal(Object.hasOwn(decoded, "kind"), false);
  assert.deepEqual(decoded.kinds, [1]);
  assert.deepEqual(decoded.$unknown.map((u) => [u.no, [...u.data]]), [[3, [9]], [17, [9]]]);
  assert.equal(protocDecode("codec.test2.P2", encodeMessage(desc, decoded)), "req: 1\nkinds: KIND_A\n3: 9\n17: 9\n");
});

test("proto2: a missing required field cannot be encoded", () => {
  const desc = registry.getMessage("codec.test2.P2");
  assert.throws(() => encodeMessage(desc, createMessage(desc, {})), {
    name: "ProtobufError",
    message: "cannot encode field codec.test2.P2.req to binary: required field not set",
  });
});

test("Buffer input decodes to plain Uint8Array values that do not alias the input", () => {
  const desc = registry.getMessage("codec.test.Scalars");
  const input = Buffer.from([0x7a, 0x02, 0x01, 0x02]);
  const decoded = decodeMessage(desc, input);
  assert.equal(decoded.fBytes.constructor, Uint8Array);
  input[2] = 9;
  assert.deepEqual(decoded.fBytes, new Uint8Array([1, 2]));
});

test('a "__proto__" map key from the wire is an ordinary entry', () => {
  const desc = registry.getMessage("codec.test.AllTypes");
  const text = 'map_string_int32 {\n  key: "__proto__"\n  value: 5\n}\n';
  const decoded = decodeMessage(desc, protocEncode("codec.test.AllTypes", text));
  assert.deepEqual(Object.keys(decoded.mapStringInt32), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(decoded.mapStringInt32), Object.prototype);
  assert.equal(protocDecode("codec.test.AllTypes", encodeMessage(desc, decoded)), text);
});
