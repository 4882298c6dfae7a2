// The runtimes generated clients inline (src/client/), and the bundler that
// inlines them, tested directly: the exact Connect request a client builds,
// how it maps failures, and what the bundler refuses.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { buildClient } from "../src/client/client-shape.js";
import { ConnectError, codeForHttpStatus, connectUrl, createConnectClient, encodeConnectRequest } from "../src/client/connect-client.js";
import { BundleError, bundleModules } from "../src/cli/module-bundler.js";
import { makeTempDir } from "../test-support/packages.mjs";

const services = {
  "calc.v1.Calc": {
    Add: { path: "/calc.v1.Calc/Add", kind: "unary", input: "calc.v1.In", output: "calc.v1.Out" },
    Watch: { path: "/calc.v1.Calc/Watch", kind: "server_streaming", input: "calc.v1.In", output: "calc.v1.Out" },
  },
  "other.v1.Calc": { Add: { path: "/other.v1.Calc/Add", kind: "unary", input: "x", output: "y" } },
  "other.v1.Tools": { Ping: { path: "/other.v1.Tools/Ping", kind: "unary", input: "x", output: "y" } },
};

function recordingFetch(respond) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init, headers: Object.fromEntries(init.headers.entries()), body: JSON.parse(init.body) });
    return respond(url, init);
  };
  return { fetch, calls };
}

test("the Connect request: URL, POST, JSON body in ProtoJSON forms, headers", async () => {
  const { fetch, calls } = recordingFetch(() => new Response('{"result":"3"}', { status: 200, headers: { "content-type": "application/json" } }));
  const client = createConnectClient(services, { baseUrl: "http://gw:8080/base/" }, {
    fetch,
    token: "secret",
    headers: async () => ({ "X-Client": "c", "x-multi": ["1", "2"] }),
  });
  const reply = await client.services["calc.v1.Calc"].Add(
    { big: 2n ** 64n - 1n, bytes: new Uint8Array([104, 105]), buf: Buffer.from("hi"), list: [1n], nested: { x: undefined, y: null } },
    { headers: { "x-call": "k", "x-client": "override" }, timeoutMs: 1500 },
  );
  assert.deepEqual(reply, { result: "3" });
  assert.equal(calls.length, 1);
  const [call] = calls;
  assert.equal(call.url, "http://gw:8080/base/calc.v1.Calc/Add");
  assert.equal(call.init.method, "POST");
  assert.deepEqual(call.body, { big: "18446744073709551615", bytes: "aGk=", buf: "aGk=", list: ["1"], nested: { y: null } });
  assert.deepEqual(call.headers, {
    authorization: "Bearer secret",
    "connect-protocol-version": "1",
    "connect-timeout-ms": "1500",
    "content-type": "application/json",
    "x-call": "k",
    "x-client": "override",
    "x-multi": "1, 2",
  });
  assert.ok(call.init.signal instanceof AbortSignal);
  assert.equal(encodeConnectRequest(undefined), "{}");
});

test("Connect URLs through OctoBus's capset route, and the client object's names", () => {
  assert.equal(connectUrl("http://h/", "a.B/C", { capset: "dev", instance: "i/1" }), "http://h/capsets/dev/connect/i%2F1/a.B/C");
  assert.throws(() => connectUrl("http://h", "a.B/C", { capset: "dev" }), TypeError);
  const client = createConnectClient(services, { baseUrl: "http://h" }, { fetch: async () => new Response("{}") });
  assert.equal(client.Calc, undefined, "a short name two services share is left out");
  assert.equal(typeof client.Tools.Ping, "function");
  assert.equal(typeof client.services["other.v1.Calc"].Add, "function");
  assert.throws(() => createConnectClient(services, {}, {}), /baseUrl is required/);
});

test("Connect failures become ConnectError {code, message, status, details}", async () => {
  const respond = {
    json: () => new Response('{"code":"not_found","message":"no order 7","details":[{"type":"x"}]}', { status: 404 }),
    text: () => new Response("<html>bad gateway</html>", { status: 502, statusText: "Bad Gateway" }),
    empty: () => new Response("", { status: 401 }),
    notObject: () => new Response("[1]", { status: 200 }),
    network: () => {
      throw new TypeError("fetch failed");
    },
  };
  const call = (kind, options) =>
    createConnectClient(services, { baseUrl: "http://h" }, { fetch: async () => respond[kind]() }).services["calc.v1.Calc"].Add({}, options);
  await assert.rejects(call("json"), (error) => {
    assert.ok(error instanceof ConnectError);
    assert.equal(error.name, "ConnectError");
    assert.deepEqual([error.code, error.message, error.status, error.details], ["not_found", "no order 7", 404, [{ type: "x" }]]);
    return true;
  });
  await assert.rejects(call("text"), { code: "unavailable", message: "<html>bad gateway</html>", status: 502 });
  await assert.rejects(call("empty"), { code: "unauthenticated", status: 401 });
  await assert.rejects(call("notObject"), { code: "internal" });
  await assert.rejects(call("network"), { code: "unavailable", message: /fetch failed/ });
  await assert.rejects(
    createConnectClient(services, { baseUrl: "http://h" }, { fetch: async () => new Response("{}") }).services["calc.v1.Calc"].Watch({}),
    { code: "unimplemented", message: /server-streaming; Connect clients call unary methods only/ },
  );
  assert.deepEqual([400, 403, 404, 429, 503, 504, 418].map(codeForHttpStatus), [
    "internal", "permission_denied", "unimplemented", "unavailable", "unavailable", "unavailable", "unknown",
  ]);
});

test("Connect timeouts and caller aborts", async () => {
  // A request that never answers (the interval stands in for its socket,
  // which is what keeps a real process alive: AbortSignal.timeout does not).
  const hang = (url, init) =>
    new Promise((_, reject) => {
      const socket = setInterval(() => {}, 1000);
      init.signal.addEventListener("abort", () => {
        clearInterval(socket);
        reject(init.signal.reason);
      }, { once: true });
    });
  const client = createConnectClient(services, { baseUrl: "http://h" }, { fetch: hang });
  await assert.rejects(client.services["calc.v1.Calc"].Add({}, { timeoutMs: 20 }), { code: "deadline_exceeded" });
  const controller = new AbortController();
  const pending = client.services["calc.v1.Calc"].Add({}, { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, { code: "canceled" });
});

test("buildClient: call() by full method name, with or without a leading slash", async () => {
  const seen = [];
  const client = buildClient(services, async (method, request, options) => {
    seen.push([method.name, method.kind, request, options]);
    return "ok";
  }, () => "closed");
  assert.equal(await client.call("/other.v1.Tools/Ping", { a: 1 }), "ok");
  assert.equal(await client.call("calc.v1.Calc/Watch", undefined, { timeoutMs: 1 }), "ok");
  assert.deepEqual(seen, [
    ["other.v1.Tools/Ping", "unary", { a: 1 }, {}],
    ["calc.v1.Calc/Watch", "server_streaming", undefined, { timeoutMs: 1 }],
  ]);
  assert.equal(client.close(), "closed");
});

test("the bundler inlines modules dependencies first and refuses syntax it does not understand", () => {
  const dir = makeTempDir();
  try {
    fs.writeFileSync(path.join(dir, "a.mjs"), 'import { b as bee } from "./b.mjs";\nimport fs from "node:fs";\nexport function a() {\n  return bee() + typeof fs.readFileSync;\n}\n');
    fs.writeFileSync(path.join(dir, "b.mjs"), "export const b = () => 'b:';\n");
    const bundle = bundleModules([path.join(dir, "a.mjs")]);
    assert.deepEqual(bundle.imports, ['import fs from "node:fs";']);
    const code = `${bundle.imports.join("\n")}\n${bundle.code}\nexport const result = ${bundle.exportsOf(path.join(dir, "a.mjs"))}.a();\n`;
    fs.writeFileSync(path.join(dir, "out.mjs"), code);
    assert.ok(code.indexOf("b.mjs ----") < code.indexOf("a.mjs ----"), "dependencies first");

    const refuse = (file, source, message) => {
      fs.writeFileSync(path.join(dir, file), source);
      assert.throws(() => bundleModules([path.join(dir, file)]), (error) => error instanceof BundleError && message.test(error.message));
    };
    refuse("default.mjs", "export default 1;\n", /unsupported module syntax: export default 1;/);
    refuse("reexport.mjs", 'export { b } from "./b.mjs";\n', /unsupported module syntax/);
    refuse("dynamic.mjs", 'export async function f() { return import("./b.mjs"); }\n', /unsupported module syntax: import\(/);
    refuse("pkg.mjs", 'import { x } from "some-package";\n', /cannot inline named imports from some-package/);
    fs.writeFileSync(path.join(dir, "c1.mjs"), 'import { c2 } from "./c2.mjs";\nexport const c1 = 1;\n');
    refuse("c2.mjs", 'import { c1 } from "./c1.mjs";\nexport const c2 = 2;\n', /import cycle/);
    return import(path.join(dir, "out.mjs")).then((m) => assert.equal(m.result, "b:function"));
  } finally {
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 1000).unref();
  }
});
