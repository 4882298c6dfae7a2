// Child processes for tests: spawn with captured output, and a registry that
// kills whatever a test started, even when the test failed.
import { spawn } from "node:child_process";
import net from "node:net";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Tracks children so `after()`/`t.after()` can stop them all.
export class ProcessGroup {
  #children = new Set();

  spawn(command, args, options = {}) {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], ...options });
    child.stdoutText = "";
    child.stderrText = "";
    child.stdout?.on("data", (d) => {
      child.stdoutText += d;
    });
    child.stderr?.on("data", (d) => {
      child.stderrText += d;
    });
    child.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => resolve({ code, signal }));
    });
    this.#children.add(child);
    child.exited.then(() => this.#children.delete(child));
    return child;
  }

  async killAll() {
    const waits = [];
    for (const child of this.#children) {
      child.kill("SIGKILL");
      waits.push(child.exited);
    }
    await Promise.all(waits);
  }
}

// Run to completion: { code, signal, stdout (Buffer), stderr (string) }.
export function run(command, args, { input, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], ...options });
    const out = [];
    let err = "";
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      // 'exit' can precede the end of the pipes; wait for them to drain.
      let pending = 2;
      const done = () => {
        if (--pending === 0) resolve({ code, signal, stdout: Buffer.concat(out), stderr: err });
      };
      if (child.stdout.readableEnded) done();
      else child.stdout.on("end", done);
      if (child.stderr.readableEnded) done();
      else child.stderr.on("end", done);
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

export async function waitFor(predicate, { timeoutMs = 10000, intervalMs = 50, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
