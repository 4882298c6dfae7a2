// `octobus-sdk pack [--bundle-deps]`: npm-style tarballs of service packages,
// checked with the system `tar` and against `npm pack --dry-run` (the file
// selection), and run standalone from an extracted copy.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fixturesDir, makeTempDir, sdkDir } from "../test-support/packages.mjs";
import { run } from "../test-support/processes.mjs";

const tool = path.join(sdkDir, "bin", "octobus-sdk.js");
const npmFlags = ["--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"];
const env = { ...process.env };
delete env.OCTOBUS_PACKAGE_DIR;
delete env.OCTOBUS_DESCRIPTOR_PATH;
delete env.OCTOBUS_SERVICE_CONTEXT;

// A temp copy of fixtures/pack-service and fixtures/pack-deps side by side
// (their file: dependencies are relative), the SDK dependency pointed at
// this checkout; `install` runs npm install the way a developer would: in
// the local dependency that has dependencies of its own, then in the service.
function packTree({ install = true, edit } = {}) {
  const root = makeTempDir("octobus-pack-test-");
  fs.cpSync(path.join(fixturesDir, "pack-service"), path.join(root, "pack-service"), { recursive: true });
  fs.cpSync(path.join(fixturesDir, "pack-deps"), path.join(root, "pack-deps"), { recursive: true });
  const dir = path.join(root, "pack-service");
  const pkgFile = path.join(dir, "package.json");
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  pkg.dependencies["@chaitin-ai/octobus-sdk"] = `file:${sdkDir}`;
  edit?.(pkg, dir);
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  if (install) {
    execFileSync("npm", ["install", ...npmFlags], { cwd: path.join(root, "pack-deps", "greeting"), stdio: "pipe" });
    execFileSync("npm", ["install", ...npmFlags], { cwd: dir, stdio: "pipe" });
  }
  return { root, dir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

const tarList = (file) => execFileSync("tar", ["-tzf", file]).toString().trim().split("\n").sort();

// npm's own file list for a package directory (no registry needed).
function npmPackFiles(dir) {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--offline", "--loglevel=error"], { cwd: dir }).toString();
  return JSON.parse(out)[0].files.map((f) => f.path).sort();
}

function walk(dir, rel = "") {
  const found = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isSymbolicLink()) found.push({ rel: child, link: true });
    else if (entry.isDirectory()) found.push(...walk(dir, child));
    else found.push({ rel: child, link: false });
  }
  return found;
}

describe("octobus-sdk pack", { timeout: 180_000 }, () => {
  const scratch = makeTempDir("octobus-pack-out-");
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe("--bundle-deps", () => {
    let tree;
    let tarball;
    let packed;
    before(async () => {
      tree = packTree();
      packed = await run(process.execPath, [tool, "pack", "--bundle-deps", "--out", path.join(scratch, "out")], { cwd: tree.dir, env });
      tarball = path.join(scratch, "out", "acme-pack-service-1.4.0.tgz");
    });
    after(() => tree?.cleanup());

    test("prints the tarball's path (npm's scoped name rule) and names what it bundled", () => {
      assert.equal(packed.code, 0, packed.stderr);
      assert.equal(packed.stdout.toString(), `${tarball}\n`);
      assert.doesNotMatch(packed.stderr, /warning/);
      assert.match(packed.stderr, /bundling 3 dependencies: @acme\/greeting@2\.0\.1, @chaitin-ai\/octobus-sdk@0\.6\.1, punctuation@0\.3\.0/);
    });

    test("the tarball holds the package and its production dependency closure under package/", () => {
      const entries = tarList(tarball);
      const own = entries.filter((e) => !e.startsWith("package/node_modules/"));
      assert.deepEqual(own, [
        "package/README.md",
        "package/bin/greeter",
        "package/config.schema.json",
        "package/package.json",
        "package/proto/pack/v1/common.proto",
        "package/proto/pack/v1/greeter.proto",
        "package/service.json",
      ]);
      // The linked local dependency is packed by its own `files` (no
      // NOTES.txt); its dependency, found next to its real directory, is
      // hoisted to the top level; the devDependency is left out.
      const deps = entries.filter((e) => e.startsWith("package/node_modules/") && !e.startsWith("package/node_modules/@chaitin-ai/"));
      assert.deepEqual(deps, [
        "package/node_modules/@acme/greeting/index",
        "package/node_modules/@acme/greeting/package.json",
        "package/node_modules/punctuation/index",
        "package/node_modules/punctuation/package.json",
      ]);
      // The SDK as npm would pack it.
      const sdk = entries.filter((e) => e.startsWith("package/node_modules/@chaitin-ai/octobus-sdk/")).map((e) => e.slice("package/node_modules/@chaitin-ai/octobus-sdk/".length));
      assert.deepEqual(sdk, npmPackFiles(sdkDir));
      assert.ok(sdk.includes("src/index.js"));
    });

    test("modes: bin targets executable, the rest 0644; the packed package.json lists bundleDependencies", () => {
      const verbose = execFileSync("tar", ["-tzvf", tarball]).toString();
      assert.match(verbose, /^-rwxr-xr-x \S+ +\d+ [^\n]* package\/bin\/greeter$/m);
      assert.match(verbose, /^-rw-r--r-- \S+ +\d+ [^\n]* package\/service\.json$/m);
      const pkg = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"]).toString());
      assert.deepEqual(pkg.bundleDependencies, ["@acme/greeting", "@chaitin-ai/octobus-sdk"]);
      assert.equal(pkg.dependencies["@acme/greeting"], "file:../pack-deps/greeting");
    });

    test("extracted elsewhere, with the source tree gone, the entry runs offline", async () => {
      const host = makeTempDir("octobus-pack-host-");
      try {
        execFileSync("tar", ["-xzf", tarball, "-C", host]);
        tree.cleanup(); // the package and its local dependencies are gone
        assert.equal(fs.existsSync(tree.root), false);
        const unpacked = path.join(host, "package");
        assert.deepEqual(walk(unpacked).filter((f) => f.link), [], "no symbolic links");

        // Every bare import resolves inside the unpacked tree.
        const entryRequire = createRequire(path.join(unpacked, "bin", "greeter"));
        for (const [from, name] of [[entryRequire, "@chaitin-ai/octobus-sdk"], [entryRequire, "@acme/greeting"], [createRequire(path.join(unpacked, "node_modules", "@acme", "greeting", "index")), "punctuation"]]) {
          assert.ok(from.resolve(name).startsWith(`${unpacked}${path.sep}`), `${name} resolves to ${from.resolve(name)}`);
        }

        const offline = { ...env, NPM_CONFIG_OFFLINE: "true" };
        const inspect = await run(path.join(unpacked, "bin", "greeter"), ["--runtime", "inspect"], { cwd: host, env: offline });
        assert.equal(inspect.code, 0, inspect.stderr);
        assert.deepEqual(JSON.parse(inspect.stdout.toString()), {
          schema: "chaitin.octobus.service.v1",
          name: "greeter",
          version: "1.4.0",
          proto: { roots: ["proto"], files: ["proto/pack/v1/greeter.proto"] },
        });
        // A call goes through the SDK, the local dependency and its dependency.
        const greet = await run(path.join(unpacked, "bin", "greeter"), ["greet", "--data-json", '{"name":"bob"}', "--config-json", '{"greeting":"hi"}'], { cwd: host, env: offline });
        assert.equal(greet.code, 0, greet.stderr);
        assert.deepEqual(JSON.parse(greet.stdout.toString()), { text: "hi, bob!" });
      } finally {
        fs.rmSync(host, { recursive: true, force: true });
      }
    });
  });

  test("without --bundle-deps nothing from node_modules is packed, unless package.json bundleDependencies says so", async () => {
    const tree = packTree();
    try {
      const plain = await run(process.execPath, [tool, "pack", tree.dir, "--out", path.join(scratch, "plain")], { cwd: scratch, env });
      assert.equal(plain.code, 0, plain.stderr);
      const file = plain.stdout.toString().trim();
      assert.equal(file, path.join(scratch, "plain", "acme-pack-service-1.4.0.tgz"));
      assert.equal(tarList(file).some((e) => e.includes("node_modules")), false);
      assert.deepEqual(tarList(file), npmPackFiles(tree.dir).map((f) => `package/${f}`).sort(), "the same files as npm pack");
      const again = await run(process.execPath, [tool, "pack", tree.dir, "--out", path.join(scratch, "plain-again")], { cwd: scratch, env });
      assert.deepEqual(fs.readFileSync(again.stdout.toString().trim()), fs.readFileSync(file), "the same input packs to the same bytes");
      // The packed package.json is the package's own, byte for byte.
      assert.equal(execFileSync("tar", ["-xzOf", file, "package/package.json"]).toString(), fs.readFileSync(path.join(tree.dir, "package.json"), "utf8"));

      const pkgFile = path.join(tree.dir, "package.json");
      fs.writeFileSync(pkgFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(pkgFile, "utf8")), bundleDependencies: ["@acme/greeting"] }));
      const listed = await run(process.execPath, [tool, "pack", "--out", path.join(scratch, "listed")], { cwd: tree.dir, env });
      assert.equal(listed.code, 0, listed.stderr);
      const deps = tarList(listed.stdout.toString().trim()).filter((e) => e.includes("node_modules/"));
      assert.deepEqual(deps, [
        "package/node_modules/@acme/greeting/index",
        "package/node_modules/@acme/greeting/package.json",
        "package/node_modules/punctuation/index",
        "package/node_modules/punctuation/package.json",
      ]);
    } finally {
      tree.cleanup();
    }
  });

  test("files: service.json, its protos (imports too) and schemas are packed with a warning when `files` leaves them out", async () => {
    const tree = packTree({
      install: false,
      edit: (pkg, dir) => {
        pkg.files = ["bin/", "lib/**/*.js", "data.txt", "!lib/skip.js"];
        const put = (rel, text = rel) => {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), text);
        };
        for (const rel of ["lib/a.js", "lib/sub/b.js", "lib/sub/c.js", "lib/c.map", "lib/skip.js", "data.txt", "other.txt", "LICENSE", "CHANGELOG.md", ".npmrc", "package-lock.json", "bin/notes.orig", "bin/.DS_Store"]) put(rel);
        put("lib/sub/.npmignore", "c.js\n");
      },
    });
    try {
      const result = await run(process.execPath, [tool, "pack", "--out", path.join(scratch, "filtered")], { cwd: tree.dir, env });
      assert.equal(result.code, 0, result.stderr);
      const warnings = result.stderr.split("\n").filter((l) => l.startsWith("warning: "));
      assert.deepEqual(
        warnings.map((l) => l.split(" ")[1]),
        ["service.json", "proto/pack/v1/greeter.proto", "proto/pack/v1/common.proto", "config.schema.json"],
      );
      assert.match(warnings[0], /^warning: service\.json \(the service manifest\) is excluded by package\.json "files"; packed anyway, but `npm pack` and `npm publish` would leave it out — add it to "files"$/);
      assert.match(warnings[2], /proto\/pack\/v1\/common\.proto \(a proto imported by proto\/pack\/v1\/greeter\.proto\)/);
      const entries = tarList(result.stdout.toString().trim()).map((e) => e.slice("package/".length));
      const forced = ["config.schema.json", "proto/pack/v1/common.proto", "proto/pack/v1/greeter.proto", "service.json"];
      for (const file of forced) assert.ok(entries.includes(file), file);
      // Everything else is exactly npm's selection.
      assert.deepEqual(entries.filter((e) => !forced.includes(e)), npmPackFiles(tree.dir));
      assert.deepEqual(entries.filter((e) => !forced.includes(e)), ["LICENSE", "README.md", "bin/greeter", "data.txt", "lib/a.js", "lib/sub/b.js", "package.json"]);
    } finally {
      tree.cleanup();
    }
  });

  test("no files list: .npmignore (not .gitignore) and npm's default exclusions, as npm pack", async () => {
    const tree = packTree({
      install: false,
      edit: (pkg, dir) => {
        delete pkg.files;
        const put = (rel, text = rel) => {
          fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
          fs.writeFileSync(path.join(dir, rel), text);
        };
        put(".npmignore", "# comment\nnotes/\n*.log\n!keep.log\n/top-only.txt\ndocs/**/*.tmp\n");
        put(".gitignore", "proto/\n");
        for (const rel of ["a.log", "keep.log", "sub/b.log", "top-only.txt", "sub/top-only.txt", "docs/x.tmp", "docs/deep/y.tmp", "docs/z.md", ".git/HEAD", "x.orig", ".npmrc", "yarn.lock", "sub/.npmrc", "Readme.markdown"]) put(rel);
      },
    });
    try {
      const result = await run(process.execPath, [tool, "pack", "--out", path.join(scratch, "ignored")], { cwd: tree.dir, env });
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /warning/);
      const entries = tarList(result.stdout.toString().trim()).map((e) => e.slice("package/".length));
      assert.deepEqual(entries, npmPackFiles(tree.dir));
      assert.ok(entries.includes("proto/pack/v1/greeter.proto"), ".gitignore is not read when there is a .npmignore");
      assert.ok(entries.includes("keep.log") && !entries.includes("a.log") && !entries.includes("notes/todo.txt"));
    } finally {
      tree.cleanup();
    }
  });

  test("a dependency missing from node_modules is an error naming it and saying to run npm install", async () => {
    const missingTransitive = packTree();
    const notInstalled = packTree({ install: false });
    try {
      fs.rmSync(path.join(missingTransitive.root, "pack-deps", "greeting", "node_modules"), { recursive: true });
      const out = path.join(scratch, "never");
      const transitive = await run(process.execPath, [tool, "pack", "--bundle-deps", "--out", out], { cwd: missingTransitive.dir, env });
      assert.equal(transitive.code, 1);
      const greetingDir = fs.realpathSync(path.join(missingTransitive.root, "pack-deps", "greeting"));
      assert.equal(
        transitive.stderr,
        `error: dependency "punctuation" of @acme/greeting@2.0.1 is not installed: no node_modules/punctuation in ${greetingDir} or above; run \`npm install\` in ${greetingDir} first\n`,
      );
      const direct = await run(process.execPath, [tool, "pack", "--bundle-deps", "--out", out], { cwd: notInstalled.dir, env });
      assert.equal(direct.code, 1);
      assert.match(direct.stderr, /^error: dependency "@acme\/greeting" of @acme\/pack-service@1\.4\.0 is not installed: no node_modules\/@acme\/greeting in .*pack-service or above; run `npm install` in .*pack-service first\n$/);
      assert.equal(fs.existsSync(out) && fs.readdirSync(out).length > 0, false, "no tarball is written");
    } finally {
      missingTransitive.cleanup();
      notInstalled.cleanup();
    }
  });

  test("other errors: no package.json, not a service package, a missing proto or bin, bad arguments", async () => {
    const dir = makeTempDir("octobus-pack-bad-");
    try {
      const pack = (args = []) => run(process.execPath, [tool, "pack", ...args], { cwd: dir, env });
      let result = await pack();
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `error: no package.json in ${dir}\n`);

      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "x", version: "1.0.0", bin: "bin/x" }));
      result = await pack();
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `error: no service.json in ${dir} or its subdirectories: not a service package\n`);

      fs.writeFileSync(path.join(dir, "service.json"), JSON.stringify({ schema: "chaitin.octobus.service.v1", name: "x", proto: { roots: ["proto"], files: ["proto/x.proto"] } }));
      result = await pack();
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `error: package.json bin target "bin/x" is not a file in ${dir}\n`);

      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "x"), "#!/usr/bin/env node\n");
      result = await pack();
      assert.equal(result.code, 1);
      assert.equal(result.stderr, `error: service.json proto.files names "proto/x.proto", which is not a file in ${dir}\n`);

      result = await pack(["a", "b"]);
      assert.match(result.stderr, /^error: pack takes one package directory/);
      result = await pack(["--bundle"]);
      assert.match(result.stderr, /^error: unknown option --bundle for pack/);
      result = await pack([path.join(dir, "missing")]);
      assert.match(result.stderr, /is not a directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("ustar with PAX headers: long and non-ASCII paths survive a round trip through tar", async () => {
    const dir = makeTempDir("octobus-pack-long-");
    try {
      const longDir = ["a-rather-long-directory-name", "another-rather-long-directory-name", "and-a-third-one-to-pass-155-bytes", "plus-a-fourth-level"].join("/");
      const longName = `${longDir}/${"f".repeat(120)}.txt`;
      const files = {
        "package.json": JSON.stringify({ name: "long-paths", version: "0.0.1", bin: { x: "bin/x" } }),
        "service.json": JSON.stringify({ schema: "chaitin.octobus.service.v1", name: "x", proto: { roots: ["proto"], files: ["proto/x.proto"] } }),
        "proto/x.proto": 'syntax = "proto3";\n',
        "bin/x": "#!/usr/bin/env node\n",
        [longName]: "long\n",
        "données/été.txt": "non-ascii\n",
        "big.bin": Buffer.alloc(70_000, 7),
        ["exactly-100-bytes-with-package-prefix/".padEnd(92, "x")]: "100\n",
      };
      for (const [rel, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
      }
      const result = await run(process.execPath, [tool, "pack"], { cwd: dir, env });
      assert.equal(result.code, 0, result.stderr);
      const tarball = path.join(dir, "long-paths-0.0.1.tgz");
      assert.equal(result.stdout.toString(), `${tarball}\n`);
      assert.deepEqual(tarList(tarball), Object.keys(files).map((f) => `package/${f}`).sort());
      const out = makeTempDir("octobus-pack-long-x-");
      try {
        execFileSync("tar", ["-xzf", tarball, "-C", out]);
        for (const [rel, content] of Object.entries(files)) {
          if (rel === "package.json") continue;
          assert.deepEqual(fs.readFileSync(path.join(out, "package", rel)), Buffer.from(content), rel);
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
