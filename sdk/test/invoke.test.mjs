// `--runtime invoke` as the daemon runs it for on-demand instances: request
// bytes on stdin, response bytes on stdout, the secret on a pipe at fd 3, and
// failures as one `OCTOBUS_ERROR:` stderr line with exit 1. Requests are
// encoded and responses decoded with protoc, independently of the SDK codec.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { compileDescriptor, examplesDir, fixturesDir, makeTempDir, preparePackage } from "../test-support/packages.mjs";

function protoc(mode, type, pkg, protoFile, input) {
  return execFileSync("protoc", [`--${mode}=${type}`, `-I${path.join(pkg.dir, "proto")}`, path.join(pkg.dir, "proto", protoFile)], {
    input,
  });
}

// Spawn like the daemon: stdio 0–2 plus a pipe on fd 3 carrying the secret.
function invoke(pkg, { method, input = Buffer.alloc(0), secret, workdir, descriptor, env = {}, args } = {}) {
  const argv = args ?? [
    "--runtime", "invoke",
    "--method", method,
    "--config", path.join(workdir, "config.json"),
    "--secret-fd", "3",
    "--metadata", path.join(workdir, "tmp", "metadata.json"),
    "--workdir", workdir,
    "--service", "calc-svc",
    "--instance", "calc-1",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(pkg.entry, argv, {
      cwd: workdir,
      stdio: ["pipe", "pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        OCTOBUS_PACKAGE_DIR: pkg.dir,
        ...(descriptor ? { OCTOBUS_DESCRIPTOR_PATH: descriptor } : {}),
        ...env,
      },
    });
    const out = [];
    let err = "";
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdio[3].on("error", () => {});
    child.stdio[3].end(secret === undefined ? "{}" : JSON.stringify(secret));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

function lastLine(text) {
  return text.trim().split("\n").filter((l) => l.trim() !== "").at(-1);
}

describe("--runtime invoke", { timeout: 120_000 }, () => {
  let calc;
  let probe;
  let calcDescriptor;
  let probeDescriptor;
  let workdir;
  const scratch = makeTempDir();

  before(() => {
    calc = preparePackage(path.join(examplesDir, "calculator-on-demand-js"));
    probe = preparePackage(path.join(fixturesDir, "probe-service"));
    calcDescriptor = compileDescriptor(calc.dir, fs.mkdtempSync(path.join(scratch, "d-")));
    probeDescriptor = compileDescriptor(probe.dir, fs.mkdtempSync(path.join(scratch, "d-")));
    workdir = path.join(scratch, "instance");
    fs.mkdirSync(path.join(workdir, "tmp"), { recursive: true });
    fs.writeFileSync(path.join(workdir, "config.json"), JSON.stringify({ label: "on-demand" }));
    fs.writeFileSync(
      path.join(workdir, "tmp", "metadata.json"),
      JSON.stringify({
        "x-octobus-ext-business-request-id": ["biz-7"],
        "x-octobus-capset": ["dev"],
        "x-octobus-instance": ["calc-1"],
        "x-trace": ["a", "b"],
      }),
    );
  });

  after(() => {
    calc?.cleanup();
    probe?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const addRequest = (text) => protoc("encode", "calculator.v1.BinaryOperationRequest", calc, "calculator.proto", text);
  const decodeResponse = (bytes) => protoc("decode", "calculator.v1.CalculatorResponse", calc, "calculator.proto", bytes).toString();

  test("stdin request → stdout response, with config, metadata, ids and the fd-3 secret", async () => {
    const result = await invoke(calc, {
      method: "calculator.v1.CalculatorService/Add",
      input: addRequest("left: 20 right: 22"),
      secret: { apiToken: "fd3-token" },
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(result.stderr, "");
    assert.equal(result.code, 0);
    const text = decodeResponse(result.stdout);
    assert.match(text, /^result: 42$/m);
    assert.match(text, /^service_id: "calc-svc"$/m);
    assert.match(text, /^instance_id: "calc-1"$/m);
    assert.match(text, /^label: "on-demand"$/m);
    assert.match(text, /^business_request_id: "biz-7"$/m);
    assert.match(text, /^secret_token: "fd3-token"$/m);
  });

  test("control metadata is stripped before the handler sees it", async () => {
    const result = await invoke(calc, {
      method: "/calculator.v1.CalculatorService/Subtract",
      input: addRequest("left: 1 right: 3"),
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(result.code, 0);
    assert.match(decodeResponse(result.stdout), /^result: -2$/m);
    const seen = JSON.parse(fs.readFileSync(path.join(workdir, "metadata.json"), "utf8"));
    assert.deepEqual(seen, { "x-octobus-ext-business-request-id": ["biz-7"], "x-trace": ["a", "b"] });
  });

  test("ids fall back to OCTOBUS_SERVICE_ID / OCTOBUS_INSTANCE_ID", async () => {
    const args = [
      "--runtime", "invoke",
      "--method", "calculator.v1.CalculatorService/Add",
      "--config", "config.json",
      "--metadata", "tmp/metadata.json",
      "--workdir", workdir,
    ];
    const result = await invoke(calc, {
      args,
      input: addRequest("left: 1 right: 1"),
      workdir,
      descriptor: calcDescriptor,
      env: { OCTOBUS_SERVICE_ID: "env-svc", OCTOBUS_INSTANCE_ID: "env-inst" },
    });
    assert.equal(result.code, 0, result.stderr);
    const text = decodeResponse(result.stdout);
    assert.match(text, /^service_id: "env-svc"$/m);
    assert.match(text, /^instance_id: "env-inst"$/m);
    assert.doesNotMatch(text, /secret_token/, "no --secret-fd: the secret is {}");
  });

  test("without OCTOBUS_DESCRIPTOR_PATH the SDK compiles the protos itself", async () => {
    const result = await invoke(calc, {
      method: "calculator.v1.CalculatorService/Add",
      input: addRequest("left: 0.5 right: 0.25"),
      workdir,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(decodeResponse(result.stdout), /^result: 0.75$/m);
  });

  test("a handler's GrpcError becomes the OCTOBUS_ERROR line and exit 1", async () => {
    const result = await invoke(calc, {
      method: "calculator.v1.CalculatorService/Add",
      input: addRequest("left: nan right: 1"),
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout.length, 0);
    assert.equal(
      lastLine(result.stderr),
      'OCTOBUS_ERROR:{"code":"INVALID_ARGUMENT","message":"left and right must be finite numbers"}',
    );
  });

  test("an unknown method is UNIMPLEMENTED", async () => {
    const result = await invoke(calc, {
      method: "calculator.v1.CalculatorService/Multiply",
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(result.code, 1);
    const error = JSON.parse(lastLine(result.stderr).slice("OCTOBUS_ERROR:".length));
    assert.equal(error.code, "UNIMPLEMENTED");
    assert.match(error.message, /calculator\.v1\.CalculatorService\/Multiply/);
  });

  test("undecodable request bytes are INTERNAL", async () => {
    const result = await invoke(calc, {
      method: "calculator.v1.CalculatorService/Add",
      input: Buffer.from([0x09, 0x01, 0x02]),
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(result.code, 1);
    assert.match(lastLine(result.stderr), /^OCTOBUS_ERROR:\{"code":"INTERNAL","message":"cannot decode request/);
  });

  test("a thrown Error is INTERNAL with its message; missing handler and streaming are UNIMPLEMENTED", async () => {
    const call = (method, text = "") =>
      invoke(probe, {
        method,
        input: protoc("encode", "probe.v1.FailRequest", probe, "probe.proto", text),
        workdir,
        descriptor: probeDescriptor,
      });
    const thrown = await call("probe.v1.ProbeService/Throw", 'message: "disk full"');
    assert.equal(thrown.code, 1);
    assert.equal(lastLine(thrown.stderr), 'OCTOBUS_ERROR:{"code":"INTERNAL","message":"disk full"}');

    const notFound = await call("probe.v1.ProbeService/Fail", 'code: 5 message: "no such widget"');
    assert.equal(lastLine(notFound.stderr), 'OCTOBUS_ERROR:{"code":"NOT_FOUND","message":"no such widget"}');

    const missing = await call("probe.v1.ProbeService/NoHandler");
    assert.equal(
      lastLine(missing.stderr),
      'OCTOBUS_ERROR:{"code":"UNIMPLEMENTED","message":"method probe.v1.ProbeService/NoHandler is not implemented by package probe@0.1.0"}',
    );

    const streaming = await call("probe.v1.ProbeService/Ticks");
    assert.equal(streaming.code, 1);
    assert.match(lastLine(streaming.stderr), /^OCTOBUS_ERROR:\{"code":"UNIMPLEMENTED","message":"method probe\.v1\.ProbeService\/Ticks is server-streaming/);
  });

  test("a response that is neither ProtoJSON nor an init object is INTERNAL naming the method", async () => {
    const result = await invoke(probe, {
      method: "probe.v1.ProbeService/BadResponse",
      workdir,
      descriptor: probeDescriptor,
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout.length, 0);
    const error = JSON.parse(lastLine(result.stderr).slice("OCTOBUS_ERROR:".length));
    assert.equal(error.code, "INTERNAL");
    assert.match(error.message, /^invalid response from probe\.v1\.ProbeService\/BadResponse: .*probe\.v1\.Reply\.index: expected int32, got "not a number"/);
  });

  test("a request larger than a pipe buffer arrives whole", async () => {
    const payload = Buffer.alloc(300 * 1024, 7);
    const result = await invoke(probe, {
      method: "probe.v1.ProbeService/Echo",
      input: Buffer.concat([Buffer.from([0x0a, 0x80, 0xe0, 0x12]), payload]), // field 1, length 307200
      workdir,
      descriptor: probeDescriptor,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(protoc("decode", "probe.v1.Reply", probe, "probe.proto", result.stdout).toString(), /^size: 307200$/m);
  });

  test("bad flags and unreadable inputs are still reported as an OCTOBUS_ERROR line", async () => {
    const missingFlag = await invoke(calc, {
      args: ["--runtime", "invoke", "--method", "calculator.v1.CalculatorService/Add", "--config", "config.json", "--workdir", workdir],
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(missingFlag.code, 1);
    assert.equal(lastLine(missingFlag.stderr), 'OCTOBUS_ERROR:{"code":"INTERNAL","message":"invoke requires --metadata"}');

    const badConfig = await invoke(calc, {
      args: [
        "--runtime", "invoke", "--method", "calculator.v1.CalculatorService/Add",
        "--config", "missing.json", "--metadata", "tmp/metadata.json", "--workdir", workdir,
      ],
      workdir,
      descriptor: calcDescriptor,
    });
    assert.equal(badConfig.code, 1);
    assert.match(lastLine(badConfig.stderr), /^OCTOBUS_ERROR:\{"code":"INTERNAL","message":"config .*missing\.json cannot be read: no such file"\}$/);

    const junk = await new Promise((resolve) => {
      const child = spawn(calc.entry, [
        "--runtime", "invoke", "--method", "calculator.v1.CalculatorService/Add", "--config", "config.json",
        "--secret-fd", "3", "--metadata", "tmp/metadata.json", "--workdir", workdir,
      ], { cwd: workdir, stdio: ["pipe", "pipe", "pipe", "pipe"], env: { ...process.env, OCTOBUS_PACKAGE_DIR: calc.dir, OCTOBUS_DESCRIPTOR_PATH: calcDescriptor } });
      let err = "";
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("close", (code) => resolve({ code, stderr: err }));
      child.stdio[3].end("{not json");
      child.stdin.end();
    });
    assert.equal(junk.code, 1);
    assert.match(lastLine(junk.stderr), /^OCTOBUS_ERROR:\{"code":"INTERNAL","message":"secret on fd 3 is not valid JSON/);
  });
});
