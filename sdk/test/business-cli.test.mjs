// The business CLI (entry run without --runtime) and OCTOBUS_SERVICE_CONTEXT.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { examplesDir, fixturesDir, makeTempDir, preparePackage } from "../test-support/packages.mjs";
import { run } from "../test-support/processes.mjs";

describe("business CLI", { timeout: 120_000 }, () => {
  let calc;
  let streaming;
  let ledger;
  let cwd;
  const baseEnv = { ...process.env };
  delete baseEnv.OCTOBUS_SERVICE_CONTEXT;
  delete baseEnv.OCTOBUS_PACKAGE_DIR;
  delete baseEnv.OCTOBUS_DESCRIPTOR_PATH;

  before(() => {
    calc = preparePackage(path.join(examplesDir, "calculator-js"));
    streaming = preparePackage(path.join(examplesDir, "streaming-js"));
    ledger = preparePackage(path.join(fixturesDir, "upstream-style"));
    cwd = makeTempDir();
  });

  after(() => {
    calc?.cleanup();
    streaming?.cleanup();
    ledger?.cleanup();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  // Runs in a scratch cwd outside the package: the package is found from the
  // entry file's real path, as for an installed bin.
  const cli = (pkg, args, { env = {}, input, dir = cwd } = {}) =>
    run(pkg.entry, args, { cwd: dir, env: { ...baseEnv, ...env }, input });
  const json = (result) => JSON.parse(result.stdout.toString());

  test("usage lists unary commands with handlers, by configured or kebab-case name", async () => {
    for (const args of [[], ["--help"], ["-h"]]) {
      const result = await cli(calc, args);
      assert.equal(result.code, 0);
      const text = result.stdout.toString();
      assert.match(text, /^Usage: calculator cli <command> \[options\]$/m);
      assert.match(text, /^ {2}add {2}Add two numbers$/m);
      assert.match(text, /^ {2}sub {2}Subtract right from left$/m);
      assert.match(text, /OCTOBUS_SERVICE_CONTEXT/);
    }
    const streamingUsage = (await cli(streaming, [])).stdout.toString();
    const commands = streamingUsage.split("Commands:\n")[1].split("\n\n")[0].trim().split("\n");
    assert.deepEqual(commands.map((l) => l.trim().split(/\s+/)[0]), ["echo"], "streaming methods are not commands");
  });

  test("--data-json runs the handler and prints ProtoJSON with defaults omitted", async () => {
    const result = await cli(calc, ["add", "--data-json", '{"left":20,"right":22}']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), { result: 42 });
    assert.equal(result.stdout.toString(), '{\n  "result": 42\n}\n');
  });

  test("request from --data FILE and from --data - (stdin); ProtoJSON number strings accepted", async () => {
    fs.writeFileSync(path.join(cwd, "req.json"), '{"left": 5, "right": 3}');
    assert.deepEqual(json(await cli(calc, ["sub", "--data", "req.json"])), { result: 2 });
    assert.deepEqual(json(await cli(calc, ["sub", "--data", "-"], { input: '{"left":"1.5","right":1}' })), { result: 0.5 });
    const streamingEcho = await cli(streaming, ["echo", "--data-json", '{"text":"hi","count":"4"}']);
    assert.deepEqual(json(streamingEcho), { text: "hi", index: 4 });
  });

  test("config, secret and metadata flags reach the handler; output uses json names", async () => {
    fs.writeFileSync(path.join(cwd, "meta.json"), '{"x-octobus-ext-business-request-id":"cli-req","x-octobus-capset":"c"}');
    const result = await cli(calc, [
      "add", "--data-json", "{}", "--config-json", '{"label":"flag-label"}',
      "--secret-json", '{"apiToken":"flag-token"}', "--metadata", "meta.json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(json(result), { label: "flag-label", businessRequestId: "cli-req", secretToken: "flag-token" });
    const seen = JSON.parse(fs.readFileSync(path.join(cwd, "metadata.json"), "utf8"));
    assert.deepEqual(seen, { "x-octobus-ext-business-request-id": ["cli-req"] });
  });

  test("--help prints the command's JSON contract", async () => {
    const contract = json(await cli(calc, ["add", "--help"]));
    assert.equal(contract.command, "add");
    assert.equal(contract.method, "calculator.v1.CalculatorService/Add");
    assert.equal(contract.description, "Add two numbers");
    assert.deepEqual(Object.keys(contract.input.properties), ["left", "right"]);
    assert.equal(contract.input.additionalProperties, false);
    assert.ok(Object.keys(contract.output.properties).includes("businessRequestId"));
    assert.deepEqual(contract.examples, [{ argv: ["add", "--data-json", '{"left":20,"right":22}'], description: "20 + 22" }]);
    assert.ok(contract.environment.OCTOBUS_SERVICE_CONTEXT.description);

    const echo = json(await cli(streaming, ["echo", "--help"]));
    assert.equal(echo.method, "streaming.v1.StreamingService/Echo");
    assert.deepEqual(echo.examples, [{ argv: ["echo", "--data-json", "{}"] }]);
    assert.equal(echo.description, "");
  });

  test("OCTOBUS_SERVICE_CONTEXT overrides --config*/--secret* key by key", async () => {
    const args = ["add", "--data-json", "{}", "--config-json", '{"label":"flag"}', "--secret-json", '{"apiToken":"flag-token"}'];
    const both = await cli(calc, args, {
      env: { OCTOBUS_SERVICE_CONTEXT: '{"config":{"label":"ctx"},"secret":{"apiToken":"ctx-token"}}' },
    });
    assert.deepEqual(json(both), { label: "ctx", secretToken: "ctx-token" });
    const configOnly = await cli(calc, args, { env: { OCTOBUS_SERVICE_CONTEXT: '{"config":{"label":"ctx"}}' } });
    assert.deepEqual(json(configOnly), { label: "ctx", secretToken: "flag-token" });
  });

  test(".env supplies OCTOBUS_SERVICE_CONTEXT when the variable is blank, and nothing else", async () => {
    const dir = makeTempDir();
    try {
      fs.writeFileSync(
        path.join(dir, ".env"),
        "# local settings\nOCTOBUS_SERVICE_ID=leaked\nOCTOBUS_SERVICE_CONTEXT='{\"config\":{\"label\":\"dotenv\"}}'\n",
      );
      const fromFile = await cli(calc, ["add", "--data-json", "{}"], { dir, env: { OCTOBUS_SERVICE_CONTEXT: "  " } });
      assert.deepEqual(json(fromFile), { label: "dotenv" }, "serviceId stays empty: other .env keys are not injected");
      const envWins = await cli(calc, ["add", "--data-json", "{}"], {
        dir,
        env: { OCTOBUS_SERVICE_CONTEXT: '{"config":{"label":"env"}}' },
      });
      assert.deepEqual(json(envWins), { label: "env" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("errors are `<NAME>: <message>` on stderr with exit 1", async () => {
    const cases = [
      [["add", "--data-json", "{"], {}, /^INVALID_ARGUMENT: --data-json is not valid JSON: /],
      [["add", "--data-json", '{"left":1,"bogus":2}'], {}, /^INVALID_ARGUMENT: invalid request for calculator\.v1\.CalculatorService\/Add: .*bogus/],
      [["add", "--data-json", '{"left":"NaN"}'], {}, /^INVALID_ARGUMENT: left and right must be finite numbers$/],
      [["multiply"], {}, /^INVALID_ARGUMENT: unknown command "multiply" \(commands: add, sub\)/],
      [["add", "--frobnicate"], {}, /^INVALID_ARGUMENT: unknown option --frobnicate for add/],
      [["add", "--data-json", "{}", "--data", "x.json"], {}, /^INVALID_ARGUMENT: --data and --data-json are mutually exclusive$/],
      [["add", "--config", "nope.json"], {}, /^INVALID_ARGUMENT: config .*nope\.json cannot be read: no such file$/],
      [["add"], { OCTOBUS_SERVICE_CONTEXT: '{"config":{},"token":"x"}' }, /^INVALID_ARGUMENT: OCTOBUS_SERVICE_CONTEXT contains unsupported field "token"/],
      [["add"], { OCTOBUS_SERVICE_CONTEXT: "[1]" }, /^INVALID_ARGUMENT: OCTOBUS_SERVICE_CONTEXT must be a JSON object/],
    ];
    for (const [args, env, pattern] of cases) {
      const result = await cli(calc, args, { env });
      assert.equal(result.code, 1, `${args.join(" ")} should fail`);
      assert.equal(result.stdout.length, 0);
      assert.match(result.stderr.trim(), pattern, args.join(" "));
      assert.equal(result.stderr.trim().split("\n").length, 1, "one line, no stack trace");
    }
  });

  test("--runtime cli is the same business CLI", async () => {
    const result = await cli(calc, ["--runtime", "cli", "add", "--data-json", '{"left":2,"right":2}']);
    assert.deepEqual(json(result), { result: 4 });
  });
  test("requests from JSON answer to proto field names, as requests from the wire do", async () => {
    // The ledger handler reads `ctx.request.account_id` (the alias of accountId).
    const metadata = path.join(cwd, "ledger-metadata.json");
    fs.writeFileSync(metadata, JSON.stringify({ "x-request-id": "cli-1" }));
    const result = await cli(ledger, ["transfer", "--data-json", '{"amount":"5","accountId":"9","email":"a@b"}', "--metadata", metadata]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(json(result).receipt.id, "r-9");
    assert.equal(json(result).newBalance, "995");
  });
});
