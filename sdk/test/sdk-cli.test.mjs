// The `octobus-sdk` developer tool: bootstrap → install → validate → run.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fixturesDir, makeTempDir, preparePackage, sdkDir } from "../test-support/packages.mjs";
import { run } from "../test-support/processes.mjs";

const tool = path.join(sdkDir, "bin", "octobus-sdk.js");
const env = { ...process.env };
delete env.OCTOBUS_PACKAGE_DIR;
delete env.OCTOBUS_DESCRIPTOR_PATH;
delete env.OCTOBUS_SERVICE_CONTEXT;

describe("octobus-sdk", { timeout: 120_000 }, () => {
  const root = makeTempDir();
  const cleanups = [];
  after(() => {
    for (const cleanup of cleanups) cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test("bootstrap writes a package that validates and runs once installed", async () => {
    const out = path.join(root, "echo-service");
    const generated = await run(tool, ["bootstrap", "--name", "@acme/echo-service", "--out", out, "--runtime-mode", "long-running"], { cwd: root, env });
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal(generated.stdout.toString(), `generated service package at ${out}\n`);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, "service.json"), "utf8"));
    assert.equal(manifest.name, "echo-service");
    assert.deepEqual(manifest.runtime, { mode: "long-running" });
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
    assert.deepEqual(pkg.bin, { "echo-service": "bin/echo-service.js" });
    assert.ok(fs.statSync(path.join(out, pkg.bin["echo-service"])).mode & 0o100, "entry is executable");

    // Not installed yet: validate explains why it cannot see the handlers.
    const early = await run(tool, ["validate"], { cwd: out, env });
    assert.equal(early.code, 1);
    assert.match(early.stderr, /cannot list the entry's handlers \(is the package installed\? run npm install\): .*Cannot find package '@chaitin-ai\/octobus-sdk'/);

    const installed = preparePackage(out, { linkSdk: true });
    cleanups.push(installed.cleanup);
    const valid = await run(tool, ["validate", "--strict"], { cwd: installed.dir, env });
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout.toString(), /^service package is valid\n.*\nentry: .*bin\/echo-service\.js\nunary methods: 1\nstreaming methods: 0\n$/s);

    const echo = await run(installed.entry, ["echo", "--data-json", '{"message":"hi"}'], { cwd: root, env });
    assert.deepEqual(JSON.parse(echo.stdout), { message: "hi" });
    const empty = await run(installed.entry, ["echo", "--data-json", "{}"], { cwd: root, env });
    assert.equal(empty.stderr.trim(), "INVALID_ARGUMENT: message must not be empty");

    const again = await run(tool, ["bootstrap", "--name", "x", "--out", out], { cwd: root, env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty; use --force/);
  });

  test("bootstrap rejects bad names and runtime modes", async () => {
    const badName = await run(tool, ["bootstrap", "--name", "Bad Name", "--out", path.join(root, "x")], { cwd: root, env });
    assert.match(badName.stderr, /^error: --name "Bad Name" is not a valid npm package name/);
    const badMode = await run(tool, ["bootstrap", "--name", "ok", "--out", path.join(root, "y"), "--runtime-mode", "eager"], { cwd: root, env });
    assert.match(badMode.stderr, /^error: --runtime-mode must be on-demand or long-running/);
    const missing = await run(tool, ["bootstrap", "--out", "z"], { cwd: root, env });
    assert.equal(missing.stderr.trim(), "error: bootstrap requires --name");
  });

  test("validate reports methods without handlers, and fails on them with --strict", async () => {
    const probe = preparePackage(path.join(fixturesDir, "probe-service"));
    cleanups.push(probe.cleanup);
    const lenient = await run(tool, ["validate"], { cwd: probe.dir, env });
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.match(lenient.stdout.toString(), /^warning: unary method probe\.v1\.ProbeService\/NoHandler has no handler/m);
    assert.match(lenient.stdout.toString(), /^unary methods: 7\nstreaming methods: 3$/m);
    const strict = await run(tool, ["validate", "--strict"], { cwd: probe.dir, env });
    assert.equal(strict.code, 1);
    assert.match(strict.stderr, /^error: unary method probe\.v1\.ProbeService\/NoHandler has no handler/m);
  });

  test("validate flags handlers for methods the protos do not declare, and broken protos", async () => {
    const probe = preparePackage(path.join(fixturesDir, "probe-service"));
    cleanups.push(probe.cleanup);
    const entry = fs.readFileSync(probe.entry, "utf8").replace(
      '"probe.v1.ProbeService/Throw":',
      '"probe.v1.ProbeService/Typo": () => ({}),\n    "probe.v1.ProbeService/Throw":',
    );
    fs.writeFileSync(probe.entry, entry);
    const result = await run(tool, ["validate"], { cwd: probe.dir, env });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: handler probe\.v1\.ProbeService\/Typo does not match any method in the proto files$/m);

    fs.appendFileSync(path.join(probe.dir, "proto", "probe.proto"), "\nmessage Broken { nonsense }\n");
    const broken = await run(tool, ["validate"], { cwd: probe.dir, env });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /^error: protoc failed for proto\/probe\.proto: /m);
  });

  test("inspect prints package metadata from the current directory", async () => {
    const probe = path.join(fixturesDir, "upstream-style");
    const result = await run(tool, ["inspect"], { cwd: path.join(probe, "proto"), env });
    assert.deepEqual(JSON.parse(result.stdout), {
      schema: "chaitin.octobus.service.v1",
      name: "ledger",
      version: "1.2.3",
      proto: { roots: ["proto"], files: ["proto/ledger.proto"] },
    });
    const noSchema = await run(tool, ["inspect", "--config-schema"], { cwd: probe, env });
    assert.equal(noSchema.stderr.trim(), "error: service.json does not declare configSchema");
  });

  test("usage and unknown commands", async () => {
    const usage = await run(tool, [], { env });
    assert.match(usage.stdout.toString(), /^Usage: octobus-sdk <command>/);
    const unknown = await run(tool, ["deploy"], { env });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: unknown command "deploy"/);
  });
});
