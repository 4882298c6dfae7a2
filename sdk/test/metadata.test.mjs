import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Metadata, isOctobusControlKey, stripControlMetadata } from "../src/metadata.js";
import { metadataFromJson } from "../src/runtime/sources.js";

describe("Metadata (grpc-js compatible surface)", () => {
  test("get returns all values (empty array when absent); getMap the first of each", () => {
    const md = new Metadata();
    assert.deepEqual(md.get("x-a"), []);
    md.add("X-A", "1");
    md.add("x-a", "2");
    md.set("x-b", "3");
    assert.deepEqual(md.get("x-a"), ["1", "2"]);
    assert.equal(md.get("X-A")[0], "1");
    assert.deepEqual(md.getMap(), { "x-a": "1", "x-b": "3" });
    md.set("x-a", "9");
    assert.deepEqual(md.get("x-a"), ["9"]);
    md.remove("x-a");
    assert.deepEqual(md.get("x-a"), []);
    assert.deepEqual(md.toJSON(), { "x-b": ["3"] });
  });

  test("keys and values are validated like grpc-js", () => {
    const md = new Metadata();
    assert.throws(() => md.add("bad key", "v"), /Metadata key "bad key" contains illegal characters/);
    assert.throws(() => md.add("x-bin", "text"), /must have Buffer values/);
    assert.throws(() => md.add("x", Buffer.from("a")), /must have String values/);
    assert.throws(() => md.add("x", "tab\there"), /illegal characters/);
    md.add("x-bin", Buffer.from([1, 2]));
    assert.deepEqual(md.get("x-bin"), [Buffer.from([1, 2])]);
  });

  test("clone is deep and merge appends", () => {
    const a = new Metadata();
    a.add("k", "1");
    const b = a.clone();
    b.add("k", "2");
    assert.deepEqual(a.get("k"), ["1"]);
    a.merge(b);
    assert.deepEqual(a.get("k"), ["1", "1", "2"]);
  });

  test("fromRawHeaders keeps repeated headers apart, decodes -bin and skips transport headers", () => {
    const md = Metadata.fromRawHeaders(
      [":path", "/a/b", "content-type", "application/grpc", "x-multi", "one", "x-multi", "two",
        "trace-bin", `${Buffer.from("ab").toString("base64")},${Buffer.from("cd").toString("base64")}`, "BAD KEY", "v"],
      new Set(["content-type"]),
    );
    assert.deepEqual(md.get("x-multi"), ["one", "two"]);
    assert.deepEqual(md.get("trace-bin").map(String), ["ab", "cd"]);
    assert.deepEqual(md.get("content-type"), []);
    assert.deepEqual(Object.keys(md.getMap()).sort(), ["trace-bin", "x-multi"]);
  });

  test("x-octobus-* control keys are stripped, x-octobus-ext-* kept", () => {
    assert.equal(isOctobusControlKey("X-Octobus-Capset"), true);
    assert.equal(isOctobusControlKey("x-octobus-ext-user"), false);
    assert.equal(isOctobusControlKey("authorization"), false);
    const md = new Metadata();
    md.add("x-octobus-capset", "c");
    md.add("x-octobus-instance", "i");
    md.add("x-octobus-ext-user", "u");
    md.add("authorization", "Bearer t");
    assert.deepEqual(stripControlMetadata(md).toJSON(), { "x-octobus-ext-user": ["u"], authorization: ["Bearer t"] });
  });

  test("metadata JSON files: arrays add each value, scalars one, control keys dropped", () => {
    const md = metadataFromJson({ a: ["1", 2], b: "x", "x-octobus-capset": ["dev"], "d-bin": "AQI=" }, "test");
    assert.deepEqual(md.get("a"), ["1", "2"]);
    assert.deepEqual(md.get("b"), ["x"]);
    assert.deepEqual(md.get("x-octobus-capset"), []);
    assert.deepEqual(md.get("d-bin"), [Buffer.from([1, 2])]);
    assert.throws(() => metadataFromJson([1], "meta.json"), /meta\.json must be a JSON object/);
  });
});
