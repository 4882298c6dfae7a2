// Registry: descriptor loading, names, method kinds, comments, field metadata.
import assert from "node:assert/strict";
import { test } from "node:test";
import { FieldPresence, ProtobufError, Registry, ScalarType } from "../../src/protobuf/index.js";
import { compileFixtures, fixtureRegistry } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();

test("files come in set order with syntax, package and dependencies", () => {
  const names = registry.files.map((f) => f.name);
  assert.ok(names.includes("google/protobuf/timestamp.proto"));
  assert.ok(names.indexOf("all_types.proto") < names.indexOf("service.proto"), "dependencies first");
  const svc = registry.getFile("service.proto");
  assert.equal(svc.package, "calculator.v1");
  assert.equal(svc.syntax, "proto3");
  assert.deepEqual(svc.dependencies, ["all_types.proto"]);
  assert.equal(svc.proto.name, "service.proto");
  assert.equal(svc.proto.$typeName, "google.protobuf.FileDescriptorProto");
  assert.equal(registry.getFile("proto2_types.proto").syntax, "proto2");
});

test("services and methods resolve by name and path", () => {
  const service = registry.getService("calculator.v1.CalculatorService");
  assert.equal(service.kind, "service");
  assert.equal(service.name, "CalculatorService");
  assert.equal(service.file.name, "service.proto");
  assert.deepEqual(
    service.methods.map((m) => [m.name, m.methodKind, m.clientStreaming, m.serverStreaming]),
    [
      ["Add", "unary", false, false],
      ["Subtract", "unary", false, false],
      ["Watch", "server_streaming", false, true],
      ["Collect", "client_streaming", true, false],
      ["Chat", "bidi_streaming", true, true],
      ["Echo", "unary", false, false],
    ],
  );
  const add = registry.getMethod("calculator.v1.CalculatorService/Add");
  assert.equal(add, registry.getMethod("/calculator.v1.CalculatorService/Add"));
  assert.equal(add.kind, "method");
  assert.equal(add.fullName, "calculator.v1.CalculatorService/Add");
  assert.equal(add.service, service);
  assert.equal(add.input, registry.getMessage("calculator.v1.BinaryOperationRequest"));
  assert.equal(add.output.fullName, "calculator.v1.CalculatorResponse");
  assert.equal(registry.getMethod("calculator.v1.CalculatorService/Nope"), undefined);
  assert.ok(registry.services.includes(service));
});

test("comments come from source_code_info", () => {
  const service = registry.getService("calculator.v1.CalculatorService");
  assert.equal(service.comments.leading, " Performs arithmetic.\n");
  assert.equal(service.methods[0].comments.leading, " Adds two numbers.\n");
  assert.equal(service.methods[1].comments.trailing, " Subtracts.\n");
  assert.equal(service.methods[2].comments.leading, undefined);
  const left = registry.getMessage("calculator.v1.BinaryOperationRequest").fields[0];
  assert.equal(left.comments.leading, " Left operand.\n");
  const oneof = registry.getMessage("codec.test.AllTypes").oneofs[0];
  assert.equal(oneof.comments.leading, " Exactly one choice.\n");
  assert.equal(registry.getEnum("codec.test.Color").comments.leading, " A color.\n");
});

test("without source info, comments are simply absent", () => {
  const bare = Registry.fromFileDescriptorSet(compileFixtures({ sourceInfo: false }));
  assert.equal(bare.getService("calculator.v1.CalculatorService").comments.leading, undefined);
});

test("field metadata: names, kinds, packing, presence", () => {
  const all = registry.getMessage("codec.test.AllTypes");
  const field = (name) => all.fields.find((f) => f.name === name);
  assert.deepEqual(
    [field("custom_field").localName, field("custom_field").jsonName],
    ["customField", "customAlias"],
  );
  assert.equal(field("to_string").localName, "toString$", "reserved JS names are escaped as in protobuf-es");
  assert.equal(field("packed_int32").packed, true);
  assert.equal(field("unpacked_int32").packed, false);
  assert.equal(field("packed_int32").fieldKind, "list");
  assert.equal(field("packed_int32").repeated, true);
  assert.equal(field("opt_int32").optional, true);
  assert.equal(field("opt_int32").presence, FieldPresence.EXPLICIT);
  assert.equal(field("opt_int32").oneof, undefined, "synthetic oneofs are not oneofs");
  assert.equal(field("color").presence, FieldPresence.IMPLICIT);
  assert.equal(field("nested").presence, FieldPresence.EXPLICIT);
  assert.equal(field("choice_string").oneof.localName, "choice");
  assert.deepEqual(all.oneofs.map((o) => o.name), ["choice"]);
  const map = field("map_int64_nested");
  assert.equal(map.fieldKind, "map");
  assert.equal(map.mapKey, ScalarType.INT64);
  assert.equal(map.mapKind, "message");
  assert.equal(map.message.fullName, "codec.test.Nested");
  assert.equal(field("f_double"), undefined);
  assert.equal(registry.getMessage("codec.test.Scalars").fields.length, 15);
  assert.equal(field("w_int32").type, "message");
  assert.equal(registry.getMessage("codec.test.Scalars").fields[3].type, "int64");
  assert.equal(registry.getMessage("codec.test.Scalars").fields[3].scalar, ScalarType.INT64);
  assert.ok(!all.nestedMessages.some((m) => m.isMapEntry), "map entries are not nested messages");
  assert.equal(registry.getMessage("codec.test.AllTypes.MapInt64NestedEntry").isMapEntry, true);
});

test("enums: values, local names, open vs closed", () => {
  const color = registry.getEnum("codec.test.Color");
  assert.equal(color.open, true);
  assert.deepEqual(color.values.map((v) => [v.name, v.number, v.localName]), [
    ["COLOR_UNSPECIFIED", 0, "UNSPECIFIED"],
    ["COLOR_RED", 1, "RED"],
    ["COLOR_GREEN", 2, "GREEN"],
    ["COLOR_BLUE", 3, "BLUE"],
  ]);
  assert.equal(registry.getEnum("codec.test2.Kind").open, false);
  assert.equal(registry.getEnum("codec.test.Nope"), undefined);
  assert.equal(registry.getMessage("codec.test.Color"), undefined, "kinds do not mix");
});

test("proto2: defaults, required, groups", () => {
  const p2 = registry.getMessage("codec.test2.P2");
  const field = (name) => p2.fields.find((f) => f.name === name);
  assert.equal(field("opt_int32").defaultValue, 42);
  assert.equal(field("opt_int64").defaultValue, -7n);
  assert.equal(field("opt_double").defaultValue, Infinity);
  assert.deepEqual(field("opt_bytes").defaultValue, new Uint8Array([97, 1, 98]));
  assert.equal(field("kind").defaultValue, 2);
  assert.equal(field("req").presence, FieldPresence.LEGACY_REQUIRED);
  assert.equal(field("mygroup").delimitedEncoding, true);
  assert.equal(field("mygroup").localName, "mygroup");
  assert.equal(field("rep").packed, false);
  assert.equal(field("rep_packed").packed, true);
});

test("leading dots are accepted in type names", () => {
  assert.equal(registry.getMessage(".codec.test.Nested").fullName, "codec.test.Nested");
});

test("malformed descriptor sets raise ProtobufError", () => {
  assert.throws(() => Registry.fromFileDescriptorSet(new Uint8Array([0x0a, 0x05, 0x01])), ProtobufError);
  assert.throws(() => Registry.fromFileDescriptorSet(new Uint8Array([0xff])), ProtobufError);
  // A field that refers to a message the set does not contain.
  const broken = Registry.fromFileDescriptorProtos;
  assert.throws(
    () =>
      broken([
        {
          name: "x.proto",
          package: "x",
          syntax: "proto3",
          messageType: [{ name: "A", field: [{ name: "b", number: 1, label: 1, type: 11, typeName: ".x.Missing" }] }],
        },
      ]),
    (e) => e instanceof ProtobufError && /unknown message \.x\.Missing/.test(e.message),
  );
});
