// Starts connect_oracle.py (see there): a Connect endpoint whose JSON ⇄
// protobuf conversion is the official Python protobuf library's, in front of
// gRPC backends, and optionally a grpcio echo server. Nothing of the SDK is
// involved on that side, so a generated client is checked against an
// independent implementation rather than against the SDK's own codec.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoDir, sdkDir } from "./packages.mjs";

const script = path.join(sdkDir, "test-support", "connect_oracle.py");

// The interpreter with grpcio and protobuf: $OCTOBUS_TEST_PYTHON, else the
// repository's .venv (the one the pytest suites use).
export function oraclePython() {
  const python = process.env.OCTOBUS_TEST_PYTHON || path.join(repoDir, ".venv", "bin", "python");
  if (!fs.existsSync(python)) {
    throw new Error(`the Connect oracle needs Python with grpcio and protobuf: ${python} does not exist (create the .venv or set OCTOBUS_TEST_PYTHON)`);
  }
  return python;
}

// descriptors: descriptor set files; routes: { "pkg.Svc": port }.
// Resolves { url, grpcAddress?, requests(), close() }.
export async function startConnectOracle({ descriptors, routes = {}, grpcEcho = false }) {
  const args = [script, ...descriptors.flatMap((d) => ["--descriptor", d])];
  for (const [service, port] of Object.entries(routes)) args.push("--route", `${service}=127.0.0.1:${port}`);
  if (grpcEcho) args.push("--grpc-echo");
  const child = spawn(oraclePython(), args, { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Connect oracle did not start in time: ${stderr}`)), 30_000);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the Connect oracle exited with ${code}: ${stderr}`)));
    child.stdout.on("data", (d) => {
      stdout += d;
      const expected = grpcEcho ? 2 : 1;
      const lines = stdout.split("\n").filter((l) => l !== "");
      if (lines.length >= expected && stdout.endsWith("\n")) {
        clearTimeout(timer);
        resolve(Object.fromEntries(lines.map((l) => l.split(" "))));
      }
    });
  });
  return {
    url: ready.connect,
    grpcAddress: ready.grpc,
    async requests() {
      const response = await fetch(`${ready.connect}/__oracle/requests`);
      return response.json();
    },
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
