// client-stub / client-package (SPEC §11.4): generated dependency-free
// clients, exercised end to end against real `--runtime serve` instances of
// the examples (gRPC), and against an independent oracle: a Connect endpoint
// and a gRPC echo server in Python whose JSON ⇄ protobuf conversion is the
// official protobuf library's (test-support/connect_oracle.py), so a bug
// shared by the SDK's codec and a generated client cannot go unnoticed.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { startConnectOracle } from "../test-support/connect-oracle.mjs";
import { compileDescriptor, examplesDir, fixturesDir, makeTempDir, preparePackage, sdkDir } from "../test-support/packages.mjs";
import { ProcessGroup, run, waitFor } from "../test-support/processes.mjs";

const tool = path.join(sdkDir, "bin", "octobus-sdk.js");
const env = { ...process.env };
delete env.OCTOBUS_PACKAGE_DIR;
delete env.OCTOBUS_DESCRIPTOR_PATH;
delete env.OCTOBUS_SERVICE_CONTEXT;

const importFresh = (file) => import(`${pathToFileURL(file).href}?t=${Date.now()}-${Math.random()}`);

describe("generated clients", { timeout: 180_000 }, () => {
  const root = makeTempDir();
  const processes = new ProcessGroup();
  const packages = {};
  const ports = {};
  const clients = [];

  async function serve(name, extraArgs = []) {
    const pkg = packages[name];
    const child = processes.spawn(
      pkg.entry,
      ["--runtime", "serve", "--host", "127.0.0.1", "--port", "0", "--config-json", '{"label":"gen"}', "--secret-json", '{"apiToken":"tok"}', "--service", "svc-1", "--instance", "inst-1", ...extraArgs],
      { cwd: root, env },
    );
    await waitFor(() => /serving gRPC on 127\.0\.0\.1:\d+/.test(child.stderrText), { what: `${name} serve log line` });
    return Number(/127\.0\.0\.1:(\d+)/.exec(child.stderrText)[1]);
  }

  before(async () => {
    packages.calculator = preparePackage(path.join(examplesDir, "calculator-js"));
    packages.streaming = preparePackage(path.join(examplesDir, "streaming-js"));
    packages.probe = preparePackage(path.join(fixturesDir, "probe-service"));
    packages.types = preparePackage(path.join(fixturesDir, "connect-types"));
    for (const name of Object.keys(packages)) ports[name] = await serve(name);
  });

  after(async () => {
    for (const client of clients) client.close();
    await processes.killAll();
    for (const pkg of Object.values(packages)) pkg.cleanup();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const track = (client) => {
    clients.push(client);
    return client;
  };

  test("--runtime client-stub --transport grpc: a module whose Add calls the running example", async () => {
    const out = path.join(root, "calc-grpc.js");
    const generated = await run(
      packages.calculator.entry,
      ["--runtime", "client-stub", "--transport", "grpc", "--out", out, "--base-url", `http://127.0.0.1:${ports.calculator}`],
      { cwd: root, env },
    );
    assert.equal(generated.code, 0, generated.stderr);
    const source = fs.readFileSync(out, "utf8");
    assert.doesNotMatch(source, /^import .* from "(?!node:)/m, "imports nothing but Node built-ins");
    assert.match(source, /^\s+\/\/ Add returns left \+ right\.$/m, "proto comments reach the generated table");

    const { createClient, GrpcError, services } = await importFresh(out);
    assert.deepEqual(Object.keys(services["calculator.v1.CalculatorService"]), ["Add", "Subtract"]);
    const client = track(createClient({ metadata: { "x-business-request-id": "biz-9" } }));
    const reply = await client.CalculatorService.Add({ left: 20, right: 22 });
    assert.deepEqual(reply, {
      result: 42,
      serviceId: "svc-1",
      instanceId: "inst-1",
      label: "gen",
      businessRequestId: "biz-9",
      secretToken: "tok",
    });
    const viaCall = await client.call("/calculator.v1.CalculatorService/Subtract", { left: 1, right: 3 }, { metadata: { "x-business-request-id": "per-call" } });
    assert.equal(viaCall.result, -2);
    assert.equal(viaCall.businessRequestId, "per-call");
    // ProtoJSON request forms (number strings, proto names) work too.
    assert.equal((await client.services["calculator.v1.CalculatorService"].Add({ left: "1.5", right: 1 })).result, 2.5);

    await assert.rejects(client.CalculatorService.Add({ left: "NaN", right: 1 }), (error) => {
      assert.ok(error instanceof GrpcError);
      assert.equal(error.name, "GrpcError");
      assert.equal(error.code, 3);
      assert.equal(error.codeName, "INVALID_ARGUMENT");
      assert.equal(error.message, "left and right must be finite numbers");
      return true;
    });
    await assert.rejects(client.CalculatorService.Add({ left: { nested: 1 } }), { code: 13, message: /^cannot encode request for calculator\.v1\.CalculatorService\/Add: / });
    assert.throws(() => client.call("calculator.v1.CalculatorService/Multiply", {}), TypeError);

    const refused = track(createClient({ baseUrl: "http://127.0.0.1:1" }));
    await assert.rejects(refused.CalculatorService.Add({}), { name: "GrpcError", codeName: "UNAVAILABLE" });
  });

  test("client-package --transport grpc: an npm package whose methods cover all four kinds", async () => {
    const out = path.join(root, "streaming-client");
    const generated = await run(tool, ["client-package", "--transport", "grpc", "--out", out, "--factory", "createStreamingClient"], {
      cwd: packages.streaming.dir,
      env,
    });
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal(generated.stdout.toString(), `generated grpc client package streaming-grpc-client at ${out}\n`);
    assert.deepEqual(fs.readdirSync(out).sort(), ["README.md", "descriptor.protoset", "index.js", "methods.json", "package.json"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
    assert.equal(pkg.name, "streaming-grpc-client");
    assert.equal(pkg.type, "module");
    assert.equal(pkg.dependencies, undefined);
    const contracts = JSON.parse(fs.readFileSync(path.join(out, "methods.json"), "utf8"));
    assert.equal(contracts["streaming.v1.StreamingService/Expand"].kind, "server_streaming");
    assert.deepEqual(Object.keys(contracts["streaming.v1.StreamingService/Echo"].input.properties), ["text", "count"]);

    const { createStreamingClient, default: factory } = await importFresh(path.join(out, "index.js"));
    assert.equal(factory, createStreamingClient);
    const client = track(createStreamingClient({ baseUrl: `127.0.0.1:${ports.streaming}` }));
    const svc = client.StreamingService;

    assert.deepEqual(await svc.Echo({ text: "hi", count: 7 }), {
      text: "hi",
      index: 7,
      serviceId: "svc-1",
      instanceId: "inst-1",
      label: "gen",
      secretToken: "tok",
    });

    const expanded = [];
    for await (const item of svc.Expand({ text: "x", count: 3 })) expanded.push([item.text, item.index]);
    assert.deepEqual(expanded, [["x", 1], ["x", 2], ["x", 3]]);

    async function* words() {
      for (const text of ["a", "b", "c"]) {
        await new Promise((r) => setTimeout(r, 5));
        yield { text };
      }
    }
    const collected = await svc.Collect(words());
    assert.equal(collected.text, "a,b,c");
    assert.equal(collected.index, 3);
    assert.equal((await svc.Collect([])).index, undefined, "defaults are omitted from ProtoJSON");

    // Many messages: a slow reader pauses the stream, a big upload waits for
    // HTTP/2 flow control, and nothing is lost either way.
    let seen = 0;
    for await (const item of svc.Expand({ text: "y", count: 400 })) {
      assert.equal(item.index, ++seen);
      if (seen % 100 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(seen, 400);
    const chunk = "z".repeat(16 * 1024);
    const big = await svc.Collect(Array.from({ length: 100 }, () => ({ text: chunk })));
    assert.equal(big.index, 100);
    assert.equal(big.text.length, 100 * chunk.length + 99);

    const chat = [];
    for await (const item of svc.Chat([{ text: "one" }, { text: "two" }])) chat.push(`${item.index}:${item.text}`);
    assert.deepEqual(chat, ["1:one", "2:two"]);
  });

  test("gRPC deadlines, cancellation and early exit from a stream reach the server", async () => {
    const out = path.join(root, "probe-grpc.js");
    const generated = await run(tool, ["client-stub", "--transport", "grpc"], { cwd: packages.probe.dir, env });
    assert.equal(generated.code, 0, generated.stderr);
    fs.writeFileSync(out, generated.stdout);
    const { createClient } = await importFresh(out);
    const client = track(createClient({ baseUrl: `http://127.0.0.1:${ports.probe}` }));
    const probe = client.ProbeService;
    const observed = async (key) => JSON.parse((await probe.Observed({ key })).text ?? "null");

    await assert.rejects(probe.Sleep({ ms: 5000, key: "deadline" }, { timeoutMs: 200 }), { codeName: "DEADLINE_EXCEEDED" });
    await waitFor(async () => (await observed("deadline"))?.finished, { what: "the handler to see the deadline" });
    assert.equal((await observed("deadline")).hasDeadline, true);

    const controller = new AbortController();
    const sleeping = probe.Sleep({ ms: 5000, key: "abort" }, { signal: controller.signal });
    await waitFor(async () => (await observed("abort"))?.started, { what: "Sleep to start" });
    controller.abort();
    await assert.rejects(sleeping, { codeName: "CANCELLED" });
    await waitFor(async () => (await observed("abort"))?.aborted, { what: "the handler to see the cancellation" });

    let ticks = 0;
    for await (const tick of probe.Ticks({ ms: 20, key: "ticks" })) {
      assert.equal(tick.text, "tick");
      if (++ticks === 3) break;
    }
    await waitFor(async () => (await observed("ticks"))?.finallyRan, { what: "the generator's finally after the client left" });

    await assert.rejects(probe.Fail({ code: 5, message: "no such widget" }), { code: 5, codeName: "NOT_FOUND", message: "no such widget" });
    await assert.rejects(probe.NoHandler({}), { codeName: "UNIMPLEMENTED", message: /is not implemented by package probe@0\.1\.0/ });
    const echo = await probe.Echo({ payload: new Uint8Array(70_000) }, { metadata: { "x-multi": ["a", "b"], "x-data-bin": new Uint8Array([1, 2]) } });
    assert.equal(echo.size, "70000", "int64 responses are ProtoJSON strings");
    assert.deepEqual(JSON.parse(echo.text).all, ["a", "b"]);
  });

  // protoc's descriptor set, as the daemon compiles it: the oracle builds its
  // message classes from it.
  const descriptorOf = (name) => compileDescriptor(packages[name].dir, fs.mkdtempSync(path.join(root, "descriptor-")));

  async function generatedModule(name, transport) {
    const generated = await run(tool, ["client-stub", "--transport", transport], { cwd: packages[name].dir, env });
    assert.equal(generated.code, 0, generated.stderr);
    const out = path.join(root, `${name}-${transport}-${Math.random().toString(36).slice(2)}.js`);
    fs.writeFileSync(out, generated.stdout);
    return { source: generated.stdout.toString(), module: await importFresh(out) };
  }

  test("Connect client-stub against the oracle: POST <baseUrl>/<pkg.Svc>/<Method> with JSON, to the running example", async () => {
    const { source, module } = await generatedModule("calculator", "connect");
    assert.doesNotMatch(source, /^import /m, "no imports at all: runs wherever fetch does");

    const oracle = await startConnectOracle({ descriptors: [descriptorOf("calculator")], routes: { "calculator.v1.CalculatorService": ports.calculator } });
    try {
      const { createClient, ConnectError } = module;
      const client = createClient({ baseUrl: oracle.url, headers: { "x-business-request-id": "conn-1" } });
      const reply = await client.CalculatorService.Add({ left: 20, right: 22 });
      assert.deepEqual(reply, { result: 42, serviceId: "svc-1", instanceId: "inst-1", label: "gen", businessRequestId: "conn-1", secretToken: "tok" });
      const sent = (await oracle.requests()).at(-1);
      assert.equal(sent.method, "POST");
      assert.equal(sent.url, "/calculator.v1.CalculatorService/Add");
      assert.equal(sent.headers["content-type"], "application/json");
      assert.equal(sent.headers["connect-protocol-version"], "1");
      assert.deepEqual(JSON.parse(sent.body), { left: 20, right: 22 });
      assert.equal(sent.textproto, "left: 20.0\nright: 22.0\n");

      const routed = createClient({ baseUrl: oracle.url, capset: "dev", instance: "calc 1" });
      assert.equal((await routed.CalculatorService.Subtract({ left: 5, right: 2 })).result, 3);
      assert.equal((await oracle.requests()).at(-1).url, "/capsets/dev/connect/calc%201/calculator.v1.CalculatorService/Subtract");

      await assert.rejects(client.CalculatorService.Add({ left: "NaN", right: 1 }), (error) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.code, "invalid_argument");
        assert.equal(error.status, 400);
        assert.equal(error.message, "left and right must be finite numbers");
        return true;
      });
      // Rejected by the oracle's strict ProtoJSON parser before any backend sees it.
      await assert.rejects(client.CalculatorService.Add({ left: 1, unknown: 2 }), { code: "invalid_argument", status: 400, message: /unknown/ });
    } finally {
      await oracle.close();
    }
  });

  // Every field shape a client can get wrong, in the forms a caller passes
  // them: BigInt and decimal strings for 64-bit ints, enum names and
  // numbers, Uint8Array bytes, nested and repeated messages, a map, a oneof,
  // a Timestamp, and `customAlias`, the json_name of `custom_field`.
  const richRequest = () => ({
    big: 9007199254740993n,
    ubig: "18446744073709551615",
    fixed: -5n,
    color: "COLOR_GREEN",
    blob: new Uint8Array([0, 1, 2, 250, 255]),
    inner: { label: "in", delta: -3 },
    inners: [{ label: "a" }, { delta: 7 }],
    bigs: [1n, "-2", 3],
    customAlias: "renamed",
    counts: { x: 5n },
    nestedChoice: { label: "choice" },
    ratio: 0.25,
    at: "2024-01-02T03:04:05.678Z",
    colors: ["COLOR_RED", 2],
    flag: true,
  });
  // How the official library decodes those values (text format, proto names).
  const richTextproto = [
    "big: 9007199254740993",
    "ubig: 18446744073709551615",
    "fixed: -5",
    "color: COLOR_GREEN",
    'blob: "\\000\\001\\002\\372\\377"',
    "inner {",
    '  label: "in"',
    "  delta: -3",
    "}",
    "inners {",
    '  label: "a"',
    "}",
    "inners {",
    "  delta: 7",
    "}",
    "bigs: 1",
    "bigs: -2",
    "bigs: 3",
    'custom_field: "renamed"',
    "counts {",
    '  key: "x"',
    "  value: 5",
    "}",
    "nested_choice {",
    '  label: "choice"',
    "}",
    "ratio: 0.25",
    "at {",
    "  seconds: 1704164645",
    "  nanos: 678000000",
    "}",
    "colors: COLOR_RED",
    "colors: COLOR_GREEN",
    "flag: true",
    "",
  ].join("\n");
  // The same message as ProtoJSON, as the official library writes it.
  const richJson = {
    big: "9007199254740993",
    ubig: "18446744073709551615",
    fixed: "-5",
    color: "COLOR_GREEN",
    blob: "AAEC+v8=",
    inner: { label: "in", delta: -3 },
    inners: [{ label: "a" }, { delta: 7 }],
    bigs: ["1", "-2", "3"],
    customAlias: "renamed",
    counts: { x: "5" },
    nestedChoice: { label: "choice" },
    ratio: 0.25,
    at: "2024-01-02T03:04:05.678Z",
    colors: ["COLOR_RED", "COLOR_GREEN"],
    flag: true,
  };

  test("Connect client: int64, enum, bytes, nested, repeated, map, oneof, Timestamp and json_name fields reach an independent decoder intact", async () => {
    const { module } = await generatedModule("types", "connect");
    const oracle = await startConnectOracle({ descriptors: [descriptorOf("types")], routes: { "types.v1.TypesService": ports.types } });
    try {
      const client = module.createClient({ baseUrl: oracle.url });
      // Through the oracle to the SDK server's Echo and back.
      const reply = await client.TypesService.Echo(richRequest());
      const sent = (await oracle.requests()).at(-1);
      assert.equal(sent.textproto, richTextproto);
      assert.deepEqual(JSON.parse(sent.body), {
        ...richJson,
        colors: ["COLOR_RED", 2],
        bigs: ["1", "-2", 3],
      });
      assert.deepEqual(reply, richJson);

      // A proto field name the message does not have in JSON form is refused.
      await assert.rejects(client.TypesService.Echo({ customField: "x" }), { code: "invalid_argument", status: 400, message: /customField/ });
    } finally {
      await oracle.close();
    }
  });

  test("Connect client: statuses from the server and bare HTTP failures map to Connect codes", async () => {
    const { module } = await generatedModule("types", "connect");
    const oracle = await startConnectOracle({ descriptors: [descriptorOf("types")], routes: { "types.v1.TypesService": ports.types } });
    try {
      const { createClient, ConnectError } = module;
      const client = createClient({ baseUrl: oracle.url });
      const cases = [
        [{ code: 5, message: "no such widget" }, "not_found", 404, "no such widget"],
        [{ code: 7, message: "nope" }, "permission_denied", 403, "nope"],
        [{ code: 9, message: "not yet" }, "failed_precondition", 400, "not yet"],
        [{ code: 14, message: "down" }, "unavailable", 503, "down"],
        [{ code: 16, message: "who?" }, "unauthenticated", 401, "who?"],
        [{ plain: true, message: "bug" }, "internal", 500, "bug"],
      ];
      for (const [request, code, status, message] of cases) {
        await assert.rejects(client.TypesService.Fail(request), (error) => {
          assert.ok(error instanceof ConnectError);
          assert.deepEqual([error.code, error.status, error.message], [code, status, message], JSON.stringify(request));
          return true;
        });
      }
      for (const [httpStatus, code] of [[503, "unavailable"], [429, "unavailable"], [404, "unimplemented"], [500, "unknown"]]) {
        const bare = createClient({ baseUrl: `${oracle.url}/__oracle/plain/${httpStatus}` });
        await assert.rejects(bare.TypesService.Echo({}), { name: "ConnectError", code, status: httpStatus, message: "plain failure from the oracle" });
      }
    } finally {
      await oracle.close();
    }
  });

  test("gRPC client: the same message, as ProtoJSON or as an init object, through a grpcio echo server", async () => {
    const { module } = await generatedModule("types", "grpc");
    const oracle = await startConnectOracle({ descriptors: [descriptorOf("types")], grpcEcho: true });
    try {
      const client = track(module.createClient({ baseUrl: `http://${oracle.grpcAddress}` }));
      const initRequest = {
        big: 9007199254740993n,
        ubig: 18446744073709551615n,
        fixed: -5n,
        color: 2,
        blob: new Uint8Array([0, 1, 2, 250, 255]),
        inner: { label: "in", delta: -3 },
        inners: [{ label: "a" }, { delta: 7 }],
        bigs: [1n, -2n, 3n],
        customField: "renamed",
        counts: { x: 5n },
        choice: { case: "nestedChoice", value: { label: "choice" } },
        ratio: 0.25,
        at: { seconds: 1704164645n, nanos: 678000000 },
        colors: [1, 2],
        flag: true,
      };
      for (const request of [richJson, initRequest]) {
        const reply = await client.TypesService.Echo(request);
        const seen = (await oracle.requests()).at(-1);
        assert.equal(seen.grpc, "/types.v1.TypesService/Echo");
        assert.equal(seen.textproto, richTextproto);
        assert.deepEqual(reply, richJson);
      }
    } finally {
      await oracle.close();
    }
  });

  test("client-package --transport connect writes package.json, the module and the JSON contracts", async () => {
    const out = path.join(root, "calc-connect-pkg");
    const first = await run(tool, ["client-package", "--out", out, "--name", "@acme/calculator-client", "--base-url", "http://gw:8080/capsets/dev/connect/c1"], {
      cwd: packages.calculator.dir,
      env,
    });
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), ["README.md", "index.js", "methods.json", "package.json"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8"));
    assert.equal(pkg.name, "@acme/calculator-client");
    assert.equal(pkg.version, "0.1.0");
    assert.equal(pkg.main, "./index.js");
    const source = fs.readFileSync(path.join(out, "index.js"), "utf8");
    assert.match(source, /const defaults = \{ baseUrl: "http:\/\/gw:8080\/capsets\/dev\/connect\/c1" \};/);
    const seen = [];
    const { createClient } = await importFresh(path.join(out, "index.js"));
    const client = createClient({
      fetch: async (url) => {
        seen.push(url);
        return new Response('{"result":3}', { status: 200 });
      },
    });
    assert.deepEqual(await client.CalculatorService.Add({ left: 1, right: 2 }), { result: 3 });
    assert.deepEqual(seen, ["http://gw:8080/capsets/dev/connect/c1/calculator.v1.CalculatorService/Add"]);

    const again = await run(tool, ["client-package", "--out", out], { cwd: packages.calculator.dir, env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /is not empty \(use --force to overwrite\)/);
    const forced = await run(tool, ["client-package", "--out", out, "--force"], { cwd: packages.calculator.dir, env });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, "package.json"), "utf8")).name, "calculator-client");
  });

  test("generation flags are checked; the output is deterministic", async () => {
    const cases = [
      [["client-stub", "--transport", "websocket"], /--transport must be connect or grpc/],
      [["client-package"], /client-package requires --out DIR/],
      [["client-stub", "--factory", "not-an-identifier"], /--factory must be a JavaScript identifier/],
      [["client-stub", "--name", "x"], /--name is for client-package/],
      [["client-package", "--out", "x", "--name", "Bad Name"], /--name is not a valid npm package name/],
      [["client-stub", "--base-url", "http://"], /--base-url is not a URL/],
    ];
    for (const [args, message] of cases) {
      const result = await run(tool, args, { cwd: packages.calculator.dir, env });
      assert.equal(result.code, 1, args.join(" "));
      assert.match(result.stderr, message, args.join(" "));
    }
    const a = await run(tool, ["client-stub", "--transport", "grpc"], { cwd: packages.calculator.dir, env });
    const b = await run(packages.calculator.entry, ["--runtime", "client-stub", "--transport", "grpc"], { cwd: root, env });
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout.toString(), b.stdout.toString());
  });
});
