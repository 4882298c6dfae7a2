// Malformed binary input: every defect is a ProtobufError with a message that
// says what and where; seeded fuzzing checks nothing else ever escapes and
// that no input makes the decoder hang.
import assert from "node:assert/strict";
import { test } from "node:test";
import { performance } from "node:perf_hooks";
import { ProtobufError, createMessage, decodeMessage, encodeMessage } from "../../src/protobuf/index.js";
import { fixtureRegistry, hex, prng } from "../../test-support/codec/protoc.mjs";
import { randomGenerator } from "../../test-support/codec/random-messages.mjs";

const registry = fixtureRegistry();
const scalars = registry.getMessage("codec.test.Scalars");
const allTypes = registry.getMessage("codec.test.AllTypes");
const recursive = registry.getMessage("codec.test.Recursive");
const request = registry.getMessage("calculator.v1.BinaryOperationRequest");
const p2 = registry.getMessage("codec.test2.P2");

function assertDecodeError(desc, bytes, message) {
  assert.throws(() => decodeMessage(desc, typeof bytes === "string" ? hex(bytes) : bytes), (e) => {
    assert.ok(e instanceof ProtobufError, `expected ProtobufError, got ${e?.name}: ${e?.message}`);
    assert.equal(e.name, "ProtobufError");
    assert.equal(e.message, message);
    return true;
  });
}

test("truncated varint", () => {
  assertDecodeError(scalars, "18 96", "premature end of input at offset 1 while reading varint of field 3 (codec.test.Scalars.f_int32)");
  assertDecodeError(scalars, "18", "premature end of input at offset 1 while reading varint of field 3 (codec.test.Scalars.f_int32)");
  assertDecodeError(scalars, "80", "premature end of input at offset 0 while reading tag in message codec.test.Scalars");
  assertDecodeError(allTypes, "92 03 02 08 ff", "premature end of input at offset 4 while reading varint of field 1 (codec.test.Nested.a)");
});

test("varint longer than 10 bytes", () => {
  assertDecodeError(
    scalars,
    "18 ff ff ff ff ff ff ff ff ff ff 01",
    "varint longer than 10 bytes at offset 1 while reading varint of field 3 (codec.test.Scalars.f_int32)",
  );
  assertDecodeError(scalars, "ff ff ff ff ff ff ff ff ff ff 01", "varint longer than 10 bytes at offset 0 while reading tag in message codec.test.Scalars");
});

test("lengths beyond the input or the enclosing message", () => {
  assertDecodeError(
    scalars,
    "72 05 61",
    "length 5 exceeds the 1 remaining bytes at offset 1 while reading length-delimited value of field 14 (codec.test.Scalars.f_string)",
  );
  assertDecodeError(
    scalars,
    "72 ff ff ff ff 0f",
    "length 4294967295 exceeds the 0 remaining bytes at offset 1 while reading length-delimited value of field 14 (codec.test.Scalars.f_string)",
  );
  // nested (50) declares 2 bytes, but its string field claims 3
  assertDecodeError(
    allTypes,
    "92 03 02 12 03 61 62 63",
    "length 3 exceeds the 0 remaining bytes at offset 4 while reading length-delimited value of field 2 (codec.test.Nested.b)",
  );
  assertDecodeError(
    allTypes,
    "52 03 01",
    "length 3 exceeds the 1 remaining bytes at offset 1 while reading length-delimited value of field 10 (codec.test.AllTypes.packed_int32)",
  );
  // a packed run whose last varint runs past the run's end
  assertDecodeError(allTypes, "52 01 96 01", "premature end of input at offset 2 while reading varint of field 10 (codec.test.AllTypes.packed_int32)");
});

test("truncated fixed-width values", () => {
  assertDecodeError(
    request,
    "09 00 00",
    "premature end of input (need 8 bytes, 2 left) at offset 1 while reading 64-bit value of field 1 (calculator.v1.BinaryOperationRequest.left)",
  );
  assertDecodeError(
    scalars,
    "15 00",
    "premature end of input (need 4 bytes, 1 left) at offset 1 while reading 32-bit value of field 2 (codec.test.Scalars.f_float)",
  );
});

test("wrong wire type for a known field", () => {
  assertDecodeError(
    scalars,
    "1a 01 01",
    "wrong wire type 2 (length-delimited) at offset 0 for field 3 (codec.test.Scalars.f_int32), expected 0 (varint)",
  );
  assertDecodeError(
    scalars,
    "78 01",
    "wrong wire type 0 (varint) at offset 0 for field 15 (codec.test.Scalars.f_bytes), expected 2 (length-delimited)",
  );
  assertDecodeError(
    request,
    "0d 00 00 00 00",
    "wrong wire type 5 (32-bit) at offset 0 for field 1 (calculator.v1.BinaryOperationRequest.left), expected 1 (64-bit)",
  );
  assertDecodeError(
    allTypes,
    "90 03 01",
    "wrong wire type 0 (varint) at offset 0 for field 50 (codec.test.AllTypes.nested), expected 2 (length-delimited)",
  );
  assertDecodeError(
    allTypes,
    "f2 01 02 08 01",
    "wrong wire type 0 (varint) at offset 3 for the key of map field 30 (codec.test.AllTypes.map_string_int32)",
  );
});

test("invalid tags and groups", () => {
  assertDecodeError(scalars, "00", "invalid tag 0 (field number 0) at offset 0 (message codec.test.Scalars)");
  assertDecodeError(scalars, "0f", "invalid wire type 7 for field 1 at offset 0 (message codec.test.Scalars)");
  assertDecodeError(scalars, "0c", "unexpected end-group tag for field 1 at offset 0 (message codec.test.Scalars)");
  assertDecodeError(scalars, "fb 3e 08 01", "premature end of input: missing end-group tag at offset 4 (field 1007)");
  assertDecodeError(scalars, "fb 3e 08 01 84 3f", "end-group tag for field 1008 does not match start-group field 1007 at offset 4 (message codec.test.Scalars)");
  // proto2 group field MyGroup (11) without its end tag
  assertDecodeError(p2, "5b 60 01", "premature end of input: missing end-group tag at offset 3 (field 11 (codec.test2.P2.mygroup))");
});

test("nesting deeper than 100 levels is refused", () => {
  // Recursive.child (1) wrapped `levels` times around an empty message
  const nest = (levels) => {
    let bytes = [];
    for (let i = 0; i < levels; i++) {
      const len = [];
      for (let v = bytes.length; ; v >>>= 7) {
        if (v < 0x80) {
          len.push(v);
          break;
        }
        len.push((v & 0x7f) | 0x80);
      }
      bytes = [0x0a, ...len, ...bytes];
    }
    return new Uint8Array(bytes);
  };
  assert.throws(() => decodeMessage(recursive, nest(101)), (e) => e instanceof ProtobufError && /messages nested deeper than 100 levels/.test(e.message));
  let m = decodeMessage(recursive, nest(100));
  for (let i = 0; i < 100; i++) m = m.child;
  assert.deepStrictEqual(m, createMessage(recursive));
  // unknown groups nested 200 deep
  const groups = hex("fb 3e ".repeat(200) + "fc 3e ".repeat(200));
  assert.throws(() => decodeMessage(scalars, groups), (e) => e instanceof ProtobufError && /groups nested deeper than 100 levels/.test(e.message));
  // a self-referencing object is an error, not a stack overflow
  const cyclic = createMessage(recursive, {});
  cyclic.child = cyclic;
  assert.throws(() => encodeMessage(recursive, cyclic), (e) => e instanceof ProtobufError && /nested deeper than 100 levels/.test(e.message));
});

test("invalid UTF-8 in strings decodes leniently to U+FFFD, as protobuf-es", () => {
  assert.equal(decodeMessage(scalars, hex("72 03 61 ff 62")).fString, "a\ufffdb");
  assert.equal(decodeMessage(scalars, hex("72 24 " + "61 ".repeat(35) + "c3")).fString, "a".repeat(35) + "\ufffd");
});

test("non-byte input is refused", () => {
  assert.throws(() => decodeMessage(scalars, "abc"), ProtobufError);
  assert.throws(() => decodeMessage(scalars, [1, 2]), ProtobufError);
});

function mutate(random, bytes) {
  const out = [...bytes];
  const int = (n) => Math.floor(random() * n);
  const edits = 1 + int(2);
  for (let i = 0; i < edits; i++) {
    switch (int(6)) {
      case 0: // flip a byte
        if (out.length > 0) out[int(out.length)] = int(256);
        break;
      case 1: // truncate
        out.length = int(out.length + 1);
        break;
      case 2: // insert random bytes
        out.splice(int(out.length + 1), 0, ...Array.from({ length: 1 + int(4) }, () => int(256)));
        break;
      case 3: // duplicate a slice
        if (out.length > 1) {
          const start = int(out.length);
          out.splice(int(out.length), 0, ...out.slice(start, start + 1 + int(8)));
        }
        break;
      case 4: // set a continuation bit
        if (out.length > 0) out[int(out.length)] |= 0x80;
        break;
      default: // delete a byte
        if (out.length > 0) out.splice(int(out.length), 1);
    }
  }
  return new Uint8Array(out);
}

test("fuzz: random and mutated inputs only ever raise ProtobufError, quickly", () => {
  const random = prng(20240101);
  const generate = randomGenerator(prng(7), registry);
  const seeds = Array.from({ length: 40 }, () => encodeMessage(allTypes, createMessage(allTypes, generate())));
  const p2Seed = encodeMessage(p2, createMessage(p2, { req: 1, mygroup: { gA: 1, gB: "x" }, repgroup: [{ rA: 2 }], kinds: [1, 2], child: { req: 2 } }));
  const targets = [allTypes, scalars, recursive, p2, registry.getMessage("codec.test.Batch")];
  let decoded = 0;
  let rejected = 0;
  let slowest = 0;
  for (let i = 0; i < 6000; i++) {
    let input;
    if (i % 5 === 0) input = new Uint8Array(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    else if (i % 5 === 1) input = mutate(random, p2Seed);
    else input = mutate(random, seeds[i % seeds.length]);
    // mutated AllTypes mostly as AllTypes; random bytes and some mutants as other types
    const desc = i % 5 === 1 ? p2 : i % 5 === 0 || i % 10 === 2 ? targets[i % targets.length] : allTypes;
    const started = performance.now();
    let message;
    try {
      message = decodeMessage(desc, input);
    } catch (e) {
      assert.ok(e instanceof ProtobufError, `input ${i} (${Buffer.from(input).toString("hex")}) threw ${e?.name}: ${e?.message}`);
      rejected++;
      continue;
    } finally {
      slowest = Math.max(slowest, performance.now() - started);
    }
    decoded++;
    // What decodes must re-encode (unless a proto2 required field is missing)
    // and decode to the same object.
    let bytes;
    try {
      bytes = encodeMessage(desc, message);
    } catch (e) {
      assert.ok(e instanceof ProtobufError && /required field not set/.test(e.message), `input ${i}: re-encode threw ${e.message}`);
      continue;
    }
    assert.deepStrictEqual(decodeMessage(desc, bytes), message, `input ${i} re-decodes differently`);
  }
  assert.ok(decoded > 400 && rejected > 400, `both outcomes exercised (decoded ${decoded}, rejected ${rejected})`);
  assert.ok(slowest < 250, `slowest decode took ${slowest.toFixed(1)} ms`);
});
