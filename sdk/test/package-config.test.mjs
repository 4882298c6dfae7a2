// service.json validation, package discovery, runtime flags, the service
// context and the YAML printer.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { parseRuntimeArgs } from "../src/runtime/args.js";
import { findDistributionPackage, readServiceManifest, resolveBinEntry } from "../src/package/manifest.js";
import { findPackageDir } from "../src/package/package-root.js";
import { loadServiceContext } from "../src/runtime/service-context.js";
import { toYaml } from "../src/runtime/yaml.js";
import { makeTempDir } from "../test-support/packages.mjs";

const root = makeTempDir();
after(() => fs.rmSync(root, { recursive: true, force: true }));

function writePackage(dir, manifest, files = {}) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "service.json"), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const valid = { schema: "chaitin.octobus.service.v1", name: "svc", proto: { roots: ["proto"], files: ["proto/a.proto"] } };

describe("service.json", () => {
  test("a valid manifest gets version from package.json and a runtime mode", () => {
    const dir = writePackage(path.join(root, "ok"), { ...valid, configSchema: "c.json" }, {
      "c.json": "{}",
      "package.json": '{"name":"@x/svc","version":"2.0.1","bin":{"svc":"bin/svc.js"}}',
    });
    const manifest = readServiceManifest(dir);
    assert.equal(manifest.version, "2.0.1");
    assert.equal(manifest.runtimeMode, "long-running");
    assert.equal(manifest.configSchemaPath, path.join(dir, "c.json"));
  });

  test("invalid manifests are rejected with the field named", () => {
    const cases = [
      [{ ...valid, schema: "v2" }, /schema must be chaitin\.octobus\.service\.v1/],
      [{ ...valid, name: " " }, /name must be a non-empty string/],
      [{ ...valid, id: "x" }, /must not define top-level id/],
      [{ ...valid, entry: "bin/x.js" }, /must not define entry; use package\.json bin/],
      [{ ...valid, proto: { roots: [], files: ["a.proto"] } }, /proto\.roots must be a non-empty array/],
      [{ ...valid, proto: { roots: ["../up"], files: ["a.proto"] } }, /proto\.roots "\.\.\/up" must not contain "\.\."/],
      [{ ...valid, proto: { roots: ["/abs"], files: ["a.proto"] } }, /must be relative/],
      [{ ...valid, runtime: { mode: "sometimes" } }, /invalid runtime\.mode "sometimes": must be long-running or on-demand/],
      [{ ...valid, secretSchema: "missing.json" }, /secretSchema "missing\.json" does not exist/],
    ];
    cases.forEach(([manifest, pattern], i) => {
      const dir = writePackage(path.join(root, `bad-${i}`), manifest);
      assert.throws(() => readServiceManifest(dir), pattern);
    });
    for (const runtime of [null, {}, { mode: "" }]) {
      const dir = writePackage(path.join(root, `rt-${JSON.stringify(runtime)}`), { ...valid, runtime });
      assert.equal(readServiceManifest(dir).runtimeMode, "long-running");
    }
    const od = writePackage(path.join(root, "od"), { ...valid, runtime: { mode: "on-demand" } });
    assert.equal(readServiceManifest(od).runtimeMode, "on-demand");
  });

  test("bin entry: string bin, or the key equal to the service name", () => {
    assert.deepEqual(resolveBinEntry({ name: "@acme/tool", bin: "bin/t.js" }, "svc"), { command: "tool", target: "bin/t.js" });
    assert.deepEqual(resolveBinEntry({ bin: { a: "a.js", svc: "s.js" } }, "svc"), { command: "svc", target: "s.js" });
    assert.throws(() => resolveBinEntry({ bin: { other: "o.js" } }, "svc"), /package\.json bin missing entry for service "svc"/);
    assert.throws(() => resolveBinEntry({}, "svc"), /package\.json bin is required/);
  });

  test("package dir: OCTOBUS_PACKAGE_DIR, else upward from the entry's real path, else from cwd", () => {
    const pkg = writePackage(path.join(root, "dist", "services", "one"), valid, { "bin/x.js": "" });
    fs.writeFileSync(path.join(root, "dist", "package.json"), '{"version":"9.9.9"}');
    assert.equal(findPackageDir({ env: {}, entryFile: path.join(pkg, "bin", "x.js"), cwd: root }), pkg);
    const link = path.join(root, "linked-entry.js");
    fs.symlinkSync(path.join(pkg, "bin", "x.js"), link);
    assert.equal(findPackageDir({ env: {}, entryFile: link, cwd: root }), pkg);
    assert.equal(findPackageDir({ env: {}, cwd: path.join(pkg, "bin") }), pkg);
    assert.equal(findPackageDir({ env: { OCTOBUS_PACKAGE_DIR: pkg }, cwd: "/" }), pkg);
    assert.throws(() => findPackageDir({ env: {}, cwd: "/" }), /service\.json not found/);
    // A service root below the distribution root takes bin/version from above.
    assert.equal(findDistributionPackage(pkg).json.version, "9.9.9");
    assert.equal(readServiceManifest(pkg).version, "9.9.9");
  });
});

describe("runtime flags", () => {
  test("serve takes the daemon's exact argv", () => {
    const argv = "serve --host 127.0.0.1 --port 4000 --config /w/config.json --secret-fd 3 --workdir /w --service s --instance i".split(" ");
    assert.deepEqual(parseRuntimeArgs(argv), {
      command: "serve", host: "127.0.0.1", port: 4000, config: "/w/config.json", secretFd: "3", workdir: "/w", service: "s", instance: "i",
    });
  });

  test("invoke takes the daemon's exact argv; --flag=value works too", () => {
    const argv = ["invoke", "--method=a.B/C", "--config", "c.json", "--secret-fd", "3", "--metadata", "m.json", "--workdir", "/w", "--service", "s", "--instance", "i"];
    assert.deepEqual(parseRuntimeArgs(argv), {
      command: "invoke", method: "a.B/C", config: "c.json", secretFd: "3", metadata: "m.json", workdir: "/w", service: "s", instance: "i",
    });
  });

  test("dev has defaults; inspect has formats", () => {
    assert.deepEqual(parseRuntimeArgs(["dev"]), { command: "dev", host: "127.0.0.1", port: 50051 });
    assert.deepEqual(parseRuntimeArgs(["inspect", "--yaml", "--secret-schema"]), { command: "inspect", format: "yaml", schema: "secret", handlers: false });
    assert.throws(() => parseRuntimeArgs(["dev", "--port", "1", "--port", "2"]), /--port is given more than once/);
    assert.throws(() => parseRuntimeArgs(["inspect", "--json=yes"]), /--json takes no value/);
    assert.throws(() => parseRuntimeArgs(["serve", "extra"]), /unexpected argument "extra" for serve/);
  });
});

describe("OCTOBUS_SERVICE_CONTEXT", () => {
  test("env value, else the .env line (quotes removed, `export` allowed)", () => {
    const dir = path.join(root, "ctx");
    fs.mkdirSync(dir);
    assert.deepEqual(loadServiceContext({ env: {}, cwd: dir }), {});
    fs.writeFileSync(path.join(dir, ".env"), `OTHER=1\nexport OCTOBUS_SERVICE_CONTEXT="{"secret":{"t":1}}"\n`);
    assert.deepEqual(loadServiceContext({ env: {}, cwd: dir }), { secret: { t: 1 } });
    assert.deepEqual(loadServiceContext({ env: { OCTOBUS_SERVICE_CONTEXT: '{"config":null}' }, cwd: dir }), { config: null });
    assert.throws(() => loadServiceContext({ env: { OCTOBUS_SERVICE_CONTEXT: "{" }, cwd: dir }), /is not valid JSON/);
  });
});

describe("YAML output", () => {
  test("nested values, quoting of ambiguous scalars, empty collections", () => {
    assert.equal(
      toYaml({ a: 1, b: "text", c: ["x", { d: true }], e: {}, f: [], g: "yes", h: "1.0", i: null, "j k": "a: b" }),
      'a: 1\nb: text\nc:\n  - x\n  - d: true\ne: {}\nf: []\ng: "yes"\nh: "1.0"\ni: null\n"j k": "a: b"\n',
    );
  });
});
