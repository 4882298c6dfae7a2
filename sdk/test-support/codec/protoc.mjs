// Test support: compiles the fixture protos with the real protoc and runs
// `protoc --decode` / `protoc --encode`, the oracle the codec is checked against.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Registry } from "../../src/protobuf/index.js";

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "test", "codec", "fixtures");
const includeDirs = [fixturesDir, "/usr/include"];
const fixtureFiles = ["service.proto", "all_types.proto", "proto2_types.proto"];

// The descriptor set bytes, as protoc writes them for the SDK.
export function compileFixtures({ sourceInfo = true } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "codec-test-"));
  const out = path.join(dir, "set.pb");
  execFileSync("protoc", [
    "--include_imports",
    ...(sourceInfo ? ["--include_source_info"] : []),
    `--descriptor_set_out=${out}`,
    ...includeDirs.map((d) => `-I${d}`),
    ...fixtureFiles,
  ]);
  const bytes = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
  return bytes;
}

let registry;
export function fixtureRegistry() {
  registry ??= Registry.fromFileDescriptorSet(compileFixtures());
  return registry;
}

function fileOf(typeName) {
  if (typeName.startsWith("codec.test2.")) return "proto2_types.proto";
  if (typeName.startsWith("calculator.")) return "service.proto";
  return "all_types.proto";
}

// Binary → protoc text format.
export function protocDecode(typeName, bytes) {
  return execFileSync("protoc", [`--decode=${typeName}`, ...includeDirs.map((d) => `-I${d}`), fileOf(typeName)], {
    input: bytes,
    cwd: fixturesDir,
  }).toString();
}

// protoc text format → binary.
export function protocEncode(typeName, text) {
  return new Uint8Array(
    execFileSync("protoc", [`--encode=${typeName}`, ...includeDirs.map((d) => `-I${d}`), fileOf(typeName)], {
      input: text,
      cwd: fixturesDir,
    }),
  );
}

// Wire bytes written by hand: hex("08 96 01") → Uint8Array.
export function hex(text) {
  return Uint8Array.from(text.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
}

// Deterministic PRNG (mulberry32), so random tests are reproducible.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
