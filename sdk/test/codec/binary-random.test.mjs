// Property test: random messages (seeded, so failures reproduce) survive
// ours → binary → protoc text → protoc binary → ours unchanged. protoc
// re-encoding from its own text form means protoc read every field as we
// meant it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createMessage, decodeMessage, encodeMessage } from "../../src/protobuf/index.js";
import { fixtureRegistry, prng, protocDecode, protocEncode } from "../../test-support/codec/protoc.mjs";
import { randomGenerator } from "../../test-support/codec/random-messages.mjs";

const registry = fixtureRegistry();
const allTypes = registry.getMessage("codec.test.AllTypes");
const batch = registry.getMessage("codec.test.Batch");

for (const seed of [1, 2, 3, 4]) {
  test(`random AllTypes messages round-trip through protoc (seed ${seed})`, () => {
    const random = randomGenerator(prng(seed), registry);
    const items = Array.from({ length: 60 }, () => createMessage(allTypes, random()));
    // each message on its own: ours → ours
    for (const item of items) {
      assert.deepStrictEqual(decodeMessage(allTypes, encodeMessage(allTypes, item)), item);
    }
    // all at once through protoc
    const bytes = encodeMessage(batch, createMessage(batch, { items }));
    const text = protocDecode("codec.test.Batch", bytes);
    const back = decodeMessage(batch, protocEncode("codec.test.Batch", text));
    assert.equal(back.items.length, items.length);
    for (let i = 0; i < items.length; i++) {
      assert.deepStrictEqual(back.items[i], items[i], `item ${i} of seed ${seed}`);
    }
  });
}
