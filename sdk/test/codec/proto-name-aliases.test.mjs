// Proto-name aliases (upstream withProtoNameAliases) on messages decoded with
// the `protoNameAliases` option, as the SDK decodes requests for handlers.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, createMessage, decodeMessage, encodeMessage, fromJson, toJson } from "../../src/protobuf/index.js";
import { fixtureRegistry } from "../../test-support/codec/protoc.mjs";

const registry = fixtureRegistry();
const allTypes = registry.getMessage("codec.test.AllTypes");
const p2 = registry.getMessage("codec.test2.P2");

const init = {
  scalars: { fInt64: 5n, fString: "s" },
  optInt32: 7,
  customField: "c",
  toString$: "t",
  choice: { case: "choiceString", value: "x" },
  nested: { a: 1, children: [{ b: "y" }] },
  mapValue: { k: { kind: { case: "numberValue", value: 2.5 } } },
  repTs: [{ seconds: 1n, nanos: 2 }],
};
const bytes = encodeMessage(allTypes, createMessage(allTypes, init));
const plain = decodeMessage(allTypes, bytes);
const aliased = decodeMessage(allTypes, bytes, { protoNameAliases: true });

test("proto names (and json names) read the local-name values, nested messages too", () => {
  assert.equal(aliased.scalars.f_int64, 5n);
  assert.equal(aliased.scalars.f_string, "s");
  assert.equal(aliased.opt_int32, 7);
  assert.equal(aliased.custom_field, "c");
  assert.equal(aliased.customAlias, "c"); // json_name
  assert.equal(aliased.to_string, "t"); // local name toString$
  assert.equal(aliased.choice_string, "x"); // oneof member, current case
  assert.equal(aliased.choice_int64, undefined); // oneof member, not the case
  assert.equal(aliased.mapValue.k.number_value, 2.5); // map value, oneof inside
  assert.equal(aliased.map_value.k.kind.case, "numberValue");
  assert.equal(aliased.rep_ts[0].seconds, 1n);
  assert.equal(aliased.opt_string, undefined); // unset explicit field
  assert.equal("f_int64" in aliased.scalars, true);
  assert.equal(Object.hasOwn(aliased.scalars, "f_int64"), false);
});

test("aliases leave keys, JSON, spreads, toJson and encoding unchanged", () => {
  assert.deepEqual(Object.keys(aliased), Object.keys(plain));
  assert.deepEqual(Object.keys(aliased.scalars), Object.keys(plain.scalars));
  assert.equal(JSON.stringify(aliased, (_, v) => (typeof v === "bigint" ? `${v}` : v)), JSON.stringify(plain, (_, v) => (typeof v === "bigint" ? `${v}` : v)));
  assert.equal("opt_int32" in { ...aliased }, false);
  const keysIn = [];
  for (const key in aliased) keysIn.push(key);
  assert.deepEqual(keysIn, Object.keys(plain));
  assert.deepEqual(toJson(allTypes, aliased), toJson(allTypes, plain));
  assert.deepEqual(encodeMessage(allTypes, aliased), bytes);
});

test("types without aliases keep plain objects; no aliases without the option", () => {
  assert.equal(Object.getPrototypeOf(aliased.nested), Object.prototype); // Nested: a, b, children
  assert.equal(Object.getPrototypeOf(plain), Object.prototype);
  assert.equal(plain.opt_int32, undefined);
  assert.equal(plain.scalars.f_int64, undefined);
  // one prototype per type, shared by every message of it
  const again = decodeMessage(allTypes, bytes, { protoNameAliases: true });
  assert.equal(Object.getPrototypeOf(again), Object.getPrototypeOf(aliased));
  assert.equal(Object.getPrototypeOf(again.scalars), Object.getPrototypeOf(aliased.scalars));
});

test("assigning through an alias sets the field or the oneof case", () => {
  const msg = decodeMessage(allTypes, bytes, { protoNameAliases: true });
  msg.opt_int32 = 9;
  assert.equal(msg.optInt32, 9);
  msg.choice_int64 = 3n;
  assert.deepEqual(msg.choice, { case: "choiceInt64", value: 3n });
  msg.choice_string = undefined; // not the current case: left alone
  assert.deepEqual(msg.choice, { case: "choiceInt64", value: 3n });
  msg.choice_int64 = undefined;
  assert.deepEqual(msg.choice, { case: undefined });
  assert.equal(Object.hasOwn(msg, "opt_int32"), false);
});

test("proto2: aliases sit above the defaults prototype", () => {
  const msg = decodeMessage(p2, encodeMessage(p2, createMessage(p2, { req: 1 })), { protoNameAliases: true });
  assert.equal(msg.opt_string, "hello"); // [default = "hello"] through the alias
  assert.equal(Object.hasOwn(msg, "optString"), false);
  assert.deepEqual(encodeMessage(p2, msg), encodeMessage(p2, createMessage(p2, { req: 1 })));
});

test("fromJson with protoNameAliases gives the same aliases (business CLI requests)", () => {
  const msg = fromJson(allTypes, { scalars: { f_int64: "5" }, opt_int32: 7, val: { a: [1] } }, { protoNameAliases: true });
  assert.equal(msg.scalars.f_int64, 5n);
  assert.equal(msg.opt_int32, 7);
  assert.equal(msg.val.struct_value.fields.a.list_value.values[0].number_value, 1);
  assert.equal(fromJson(allTypes, { opt_int32: 7 }).opt_int32, undefined);
});

test("a name two fields claim, or one the message already answers to, is no alias", () => {
  // proto2 allows a json_name equal to another field's name.
  const desc = Registry.fromFileDescriptorProtos([
    {
      name: "aliases.proto",
      package: "aliases",
      syntax: "proto2",
      messageType: [
        {
          name: "M",
          field: [
            { name: "a_b", number: 1, label: 1, type: 9, jsonName: "aB" },
            { name: "x", number: 2, label: 1, type: 9, jsonName: "a_b" },
            { name: "foo_bar", number: 3, label: 1, type: 9, jsonName: "fooBar" },
            { name: "baz", number: 4, label: 1, type: 9, jsonName: "fooBar" },
            { name: "constructor", number: 5, label: 1, type: 9, jsonName: "constructor" },
          ],
        },
      ],
    },
  ]).getMessage("aliases.M");
  const msg = decodeMessage(desc, encodeMessage(desc, createMessage(desc, { aB: "1", x: "2", fooBar: "3", baz: "4", constructor$: "5" })), {
    protoNameAliases: true,
  });
  assert.equal(msg.a_b, undefined); // claimed by a_b (name) and x (json_name)
  assert.equal(msg.fooBar, "3"); // the local name wins over baz's json_name
  assert.equal(msg.foo_bar, "3");
  assert.equal(msg.constructor$, "5"); // local name of `constructor`
  assert.equal(msg.constructor, Object); // Object.prototype is never shadowed
});

test("decoding many aliased messages costs about what plain ones do", () => {
  // 2000 google.protobuf.Value messages, a type with aliases (number_value, …)
  const values = Array.from({ length: 2000 }, (_, i) => ({ kind: { case: "numberValue", value: i } }));
  const many = encodeMessage(allTypes, createMessage(allTypes, { lv: { values } }));
  assert.equal(decodeMessage(allTypes, many, { protoNameAliases: true }).lv.values[7].number_value, 7);
  const time = (options) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) decodeMessage(allTypes, many, options);
    return Number(process.hrtime.bigint() - start);
  };
  time(undefined);
  time({ protoNameAliases: true });
  // Best of several rounds, so a busy machine does not decide the outcome.
  const best = (options) => Math.min(...Array.from({ length: 7 }, () => time(options)));
  const plainNs = best(undefined);
  const aliasedNs = best({ protoNameAliases: true });
  assert.ok(aliasedNs < plainNs * 3, `aliased ${aliasedNs} ns vs plain ${plainNs} ns`);
});
