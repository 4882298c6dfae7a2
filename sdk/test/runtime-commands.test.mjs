// `--runtime dev`, `--runtime inspect`, `--runtime serve` argument handling,
// and runServiceMain's error reporting, through the real example entries.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { connect, unary } from "../test-support/grpc-client.mjs";
import { examplesDir, makeTempDir, preparePackage } from "../test-support/packages.mjs";
import { ProcessGroup, run, waitFor } from "../test-support/processes.mjs";

describe("runtime commands", { timeout: 120_000 }, () => {
  let calc;
  let cwd;
  const processes = new ProcessGroup();
  const env = { ...process.env };
  delete env.OCTOBUS_SERVICE_CONTEXT;
  delete env.OCTOBUS_PACKAGE_DIR;
  delete env.OCTOBUS_DESCRIPTOR_PATH;

  before(() => {
    calc = preparePackage(path.join(examplesDir, "calculator-js"));
    cwd = makeTempDir();
  });

  after(async () => {
    await processes.killAll();
    calc?.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const protoc = (mode, type, input) =>
    execFileSync("protoc", [`--${mode}=${type}`, `-I${path.join(calc.dir, "proto")}`, path.join(calc.dir, "proto", "calculator.proto")], { input });

  test("dev prints host:port, applies OCTOBUS_SERVICE_CONTEXT, serves, and stops on SIGTERM", async () => {
    const child = processes.spawn(calc.entry, ["--runtime", "dev", "--port", "0", "--config-json", '{"label":"flag"}'], {
      cwd,
      env: { ...env, OCTOBUS_SERVICE_CONTEXT: '{"config":{"label":"from-context"},"secret":{"apiToken":"ctx"}}' },
    });
    await waitFor(() => /^127\.0\.0\.1:\d+\n/.test(child.stdoutText), { what: "dev address on stdout" });
    const port = Number(child.stdoutText.trim().split(":")[1]);
    assert.ok(port > 0);
    const session = connect(port);
    try {
      const result = await unary(session, "/calculator.v1.CalculatorService/Add", protoc("encode", "calculator.v1.BinaryOperationRequest", "left: 40 right: 2"), {
        headers: { "x-business-request-id": "dev-req" },
      });
      assert.equal(result.status, 0, result.message);
      const text = protoc("decode", "calculator.v1.CalculatorResponse", result.frames[0].payload).toString();
      assert.match(text, /^result: 42$/m);
      assert.match(text, /^label: "from-context"$/m);
      assert.match(text, /^secret_token: "ctx"$/m);
      assert.match(text, /^business_request_id: "dev-req"$/m);
      assert.doesNotMatch(text, /service_id/, "dev without --service has an empty service id");
    } finally {
      session.destroy();
    }
    child.kill("SIGTERM");
    assert.deepEqual(await child.exited, { code: 0, signal: null });
  });

  test("serve ignores OCTOBUS_SERVICE_CONTEXT", async () => {
    const child = processes.spawn(calc.entry, ["--runtime", "serve", "--host", "127.0.0.1", "--port", "0", "--config-json", '{"label":"flag"}'], {
      cwd,
      env: { ...env, OCTOBUS_SERVICE_CONTEXT: '{"config":{"label":"from-context"}}' },
    });
    await waitFor(() => /serving gRPC on 127\.0\.0\.1:\d+/.test(child.stderrText), { what: "serve log line" });
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(child.stderrText)[1]);
    assert.equal(child.stdoutText, "", "serve prints nothing on stdout");
    const session = connect(port);
    try {
      const result = await unary(session, "/calculator.v1.CalculatorService/Add", protoc("encode", "calculator.v1.BinaryOperationRequest", "left: 1"));
      assert.match(protoc("decode", "calculator.v1.CalculatorResponse", result.frames[0].payload).toString(), /^label: "flag"$/m);
    } finally {
      session.destroy();
    }
    child.kill("SIGINT");
    assert.equal((await child.exited).code, 0);
  });

  test("inspect prints {schema,name,version,proto} as JSON or YAML, and the schemas", async () => {
    const summary = await run(calc.entry, ["--runtime", "inspect"], { cwd, env });
    assert.equal(summary.code, 0, summary.stderr);
    assert.deepEqual(JSON.parse(summary.stdout), {
      schema: "chaitin.octobus.service.v1",
      name: "calculator",
      version: "0.1.0",
      proto: { roots: ["proto"], files: ["proto/calculator.proto"] },
    });
    const yaml = await run(calc.entry, ["--runtime", "inspect", "--yaml"], { cwd, env });
    assert.equal(
      yaml.stdout.toString(),
      "schema: chaitin.octobus.service.v1\nname: calculator\nversion: \"0.1.0\"\nproto:\n  roots:\n    - proto\n  files:\n    - proto/calculator.proto\n",
    );
    const config = await run(calc.entry, ["--runtime", "inspect", "--config-schema"], { cwd, env });
    assert.deepEqual(JSON.parse(config.stdout), JSON.parse(fs.readFileSync(path.join(calc.dir, "config.schema.json"), "utf8")));
    const secretYaml = await run(calc.entry, ["--runtime", "inspect", "--secret-schema", "--yaml"], { cwd, env });
    assert.match(secretYaml.stdout.toString(), /^ {2}apiToken:\n {4}type: string$/m);
    const handlers = await run(calc.entry, ["--runtime", "inspect", "--handlers"], { cwd, env });
    assert.deepEqual(JSON.parse(handlers.stdout), {
      handlers: ["calculator.v1.CalculatorService/Add", "calculator.v1.CalculatorService/Subtract"],
    });
  });

  test("bad runtime arguments fail with one clear line and exit 1", async () => {
    const cases = [
      [["--runtime", "serve", "--port", "1", "--config-json", "{}"], /^error: serve requires --host$/],
      [["--runtime", "serve", "--host", "127.0.0.1", "--port", "1"], /^error: serve requires --config or --config-json$/],
      [["--runtime", "serve", "--host", "h", "--port", "99999", "--config-json", "{}"], /^error: --port must be an integer from 0 to 65535, got "99999"$/],
      [["--runtime", "dev", "--config", "a.json", "--config-json", "{}"], /^error: --config and --config-json are mutually exclusive$/],
      [["--runtime", "dev", "--secret-json", "{}", "--secret-fd", "3"], /^error: --secret-json and --secret-fd are mutually exclusive$/],
      [["--runtime", "dev", "--port"], /^error: --port requires a value$/],
      [["--runtime", "dev", "--verbose"], /^error: unknown option --verbose for dev/],
      [["--runtime", "launch"], /^error: unknown runtime command "launch"/],
      [["--runtime", "dev", "--config-json", "{oops"], /^error: --config-json is not valid JSON/],
      [["--runtime", "inspect", "--json", "--yaml"], /^error: --json and --yaml are mutually exclusive$/],
    ];
    for (const [args, pattern] of cases) {
      const result = await run(calc.entry, args, { cwd, env });
      assert.equal(result.code, 1, args.join(" "));
      assert.match(result.stderr.trim(), pattern, args.join(" "));
    }
  });

  test("a port in use is reported, not thrown as a stack", async () => {
    const first = processes.spawn(calc.entry, ["--runtime", "dev", "--port", "0"], { cwd, env });
    await waitFor(() => /:\d+\n/.test(first.stdoutText), { what: "first server" });
    const port = first.stdoutText.trim().split(":")[1];
    const second = await run(calc.entry, ["--runtime", "dev", "--port", port], { cwd, env });
    assert.equal(second.code, 1);
    assert.equal(second.stderr.trim(), `error: cannot listen on 127.0.0.1:${port}: address already in use`);
    first.kill("SIGTERM");
    await first.exited;
  });

  test("OCTOBUS_PACKAGE_DIR must hold service.json", async () => {
    const result = await run(calc.entry, ["--runtime", "inspect"], { cwd, env: { ...env, OCTOBUS_PACKAGE_DIR: cwd } });
    assert.equal(result.code, 1);
    assert.equal(result.stderr.trim(), `error: OCTOBUS_PACKAGE_DIR ${cwd} does not contain service.json`);
  });

  test("--runtime --help prints the runtime usage", async () => {
    const result = await run(calc.entry, ["--runtime", "--help"], { cwd, env });
    assert.equal(result.code, 0);
    assert.match(result.stdout.toString(), /^Usage: <entry> --runtime <command>/);
  });
});
