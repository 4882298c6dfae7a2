// messageJsonSchema: the `--help` contract schema (SPEC §11.5, last bullet).
import assert from "node:assert/strict";
import { test } from "node:test";
import { messageJsonSchema } from "../../src/protobuf/index.js";
import { fixtureRegistry } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();

test("calculator request: draft 2020-12, closed object, comments as descriptions", () => {
  assert.deepStrictEqual(messageJsonSchema(registry.getMessage("calculator.v1.BinaryOperationRequest")), {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      left: { type: "number", description: "Left operand." },
      right: { type: "number" },
    },
    additionalProperties: false,
  });
});

test("json names as keys; proto names on request", () => {
  const schema = messageJsonSchema(registry.getMessage("calculator.v1.CalculatorResponse"));
  assert.deepEqual(Object.keys(schema.properties), ["result", "serviceId", "instanceId", "label", "businessRequestId", "secretToken"]);
  const proto = messageJsonSchema(registry.getMessage("calculator.v1.CalculatorResponse"), { useProtoFieldName: true });
  assert.ok("service_id" in proto.properties);
});

test("every field kind maps to its ProtoJSON form", () => {
  const schema = messageJsonSchema(registry.getMessage("codec.test.AllTypes"));
  const p = schema.properties;
  const s = p.scalars.properties;
  assert.deepStrictEqual(s.fInt64, { oneOf: [{ type: "integer" }, { type: "string", pattern: "^-?[0-9]+$" }] });
  assert.deepStrictEqual(s.fUint64, { oneOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$" }] });
  assert.deepStrictEqual(s.fInt32, { type: "integer", minimum: -2147483648, maximum: 2147483647 });
  assert.deepStrictEqual(s.fBytes, { type: "string", contentEncoding: "base64" });
  assert.deepStrictEqual(s.fBool, { type: "boolean" });
  assert.equal(p.scalars.additionalProperties, false);
  assert.equal(p.scalars.description, "All 15 scalar kinds.");
  assert.deepStrictEqual(p.color, {
    type: "string",
    enum: ["COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_GREEN", "COLOR_BLUE"],
    description: "A color.",
  });
  assert.deepStrictEqual(p.packedInt32, { type: "array", items: { type: "integer", minimum: -2147483648, maximum: 2147483647 } });
  assert.deepStrictEqual(p.mapStringInt32.propertyNames, { type: "string" });
  assert.deepStrictEqual(p.mapBoolBool.propertyNames, { type: "string", enum: ["true", "false"] });
  assert.equal(p.mapInt64Nested.additionalProperties.type, "object");
  assert.ok("customAlias" in p && !("customField" in p));
  assert.equal(p.choiceNested.type, "object");
  assert.deepStrictEqual(p.ts, { type: "string", format: "date-time" });
  assert.equal(p.dur.type, "string");
  assert.deepStrictEqual(p.fm, { type: "string" });
  assert.deepStrictEqual(p.st, { type: "object", additionalProperties: true });
  assert.deepStrictEqual(p.lv, { type: "array", items: {} });
  assert.equal(p.val.type, undefined, "Value accepts any JSON");
  assert.deepStrictEqual(p.any.required, ["@type"]);
  assert.deepStrictEqual(p.empty, { type: "object", properties: {}, additionalProperties: false });
  assert.deepStrictEqual(p.wInt64, { oneOf: [{ type: "integer" }, { type: "string", pattern: "^-?[0-9]+$" }] });
  assert.deepStrictEqual(p.wString, { type: "string" });
  assert.deepStrictEqual(p.nullValue, { type: "null" });
  assert.equal(p.repTs.items.format, "date-time");
});

test("recursion is cut where a type reappears on the path", () => {
  const schema = messageJsonSchema(registry.getMessage("codec.test.Recursive"));
  assert.equal(schema.properties.child.type, "object");
  assert.equal(schema.properties.child.properties, undefined);
  assert.match(schema.properties.child.description, /recursive/);
  const nested = messageJsonSchema(registry.getMessage("codec.test.Nested"));
  assert.equal(nested.properties.children.type, "array");
  assert.match(nested.properties.children.items.description, /codec.test.Nested \(recursive/);
  // a type used twice side by side (not nested) is expanded both times
  const all = messageJsonSchema(registry.getMessage("codec.test.AllTypes"));
  assert.ok(all.properties.nested.properties.a);
  assert.ok(all.properties.choiceNested.properties.a);
});
