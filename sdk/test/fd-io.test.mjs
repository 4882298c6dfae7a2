// fd-io.js: whole-descriptor reads and writes for `--runtime invoke`, on
// blocking pipes (the daemon's) and on non-blocking ones, where EAGAIN hands
// the rest to a libuv stream without losing what was already transferred.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const fdIo = fileURLToPath(new URL("../src/runtime/fd-io.js", import.meta.url));

// Run a child whose stdin gets `chunks` (with pauses in between); resolves
// with its stdout and stderr.
function child(script, chunks = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--input-type=module", "-e", `import * as io from ${JSON.stringify(fdIo)};\n${script}`], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out = [];
    let err = "";
    proc.stdout.on("data", (d) => out.push(d));
    proc.stderr.on("data", (d) => {
      err += d;
    });
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    (async () => {
      for (const chunk of chunks) {
        proc.stdin.write(chunk);
        await new Promise((r) => setTimeout(r, 50));
      }
      proc.stdin.end();
    })();
  });
}

const sha = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex");
const payload = crypto.randomBytes(300 * 1024);
const halves = [payload.subarray(0, 100 * 1024), payload.subarray(100 * 1024)];

test("readFdToEnd(0) reads a blocking pipe to EOF across pauses", async () => {
  const result = await child(
    `const bytes = await io.readFdToEnd(0, { close: false });
     process.stderr.write(bytes.length + " " + (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex"));`,
    halves,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `${payload.length} ${sha(payload)}`);
});

test("readFdToEnd(0) on a non-blocking pipe keeps what it read before EAGAIN", async () => {
  // Touching process.stdin makes libuv switch fd 0 to non-blocking mode.
  const result = await child(
    `process.stdin.pause();
     const bytes = await io.readFdToEnd(0, { close: false });
     process.stderr.write(bytes.length + " " + (await import("node:crypto")).createHash("sha256").update(bytes).digest("hex"));`,
    halves,
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, `${payload.length} ${sha(payload)}`);
});

test("writeToFd(1) writes everything, to a blocking and to a non-blocking pipe", async () => {
  const big = `const data = Buffer.alloc(1 << 20); for (let i = 0; i < data.length; i++) data[i] = i % 251;`;
  const expected = Buffer.alloc(1 << 20);
  for (let i = 0; i < expected.length; i++) expected[i] = i % 251;
  for (const prelude of ["", "process.stdout;"]) {
    const result = await child(`${big}\n${prelude}\nawait io.writeToFd(1, data);\nawait io.writeToFd(1, "end");`);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.length, expected.length + 3, prelude || "blocking");
    assert.equal(sha(result.stdout), sha(Buffer.concat([expected, Buffer.from("end")])), prelude || "blocking");
  }
});
