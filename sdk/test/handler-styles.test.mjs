// Handler styles: `(ctx)`, `({ request, config })`, `(req, ctx)` and
// `(req, ctx = {})` handlers (test/fixtures/handler-styles) are each called
// the way they are written, in all four method kinds, through a running
// `--runtime serve` server (a gRPC client over node:http2), through
// `--runtime invoke` and through the business CLI. Messages on the wire are
// encoded and decoded by hand here, independently of the SDK's codec.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { CONTEXT_STYLE, REQUEST_FIRST_STYLE, callHandler, handlerStyle } from "../src/handlers/handler-style.js";
import { connect, frame, startCall } from "../test-support/grpc-client.mjs";
import { fixturesDir, makeTempDir, preparePackage } from "../test-support/packages.mjs";
import { ProcessGroup, run, waitFor } from "../test-support/processes.mjs";

const SERVICE = "styles.v1.StyleService";
const STYLES = ["Ctx", "Destructured", "RequestFirst", "RequestDefault"];

// --- a hand-written codec for StyleRequest {string text = 1; int32 count = 2}
// and StyleReply {string text = 1; int32 index = 2; string label = 3; string method = 4}.
function varint(value) {
  const bytes = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

function encodeStyleRequest({ text, count }) {
  const out = [];
  if (text) {
    const utf8 = Buffer.from(text, "utf8");
    out.push(0x0a, ...varint(utf8.length), ...utf8);
  }
  if (count) out.push(0x10, ...varint(count));
  return Buffer.from(out);
}

function decodeStyleReply(bytes) {
  const reply = { text: "", index: 0, label: "", method: "" };
  const names = { 1: "text", 3: "label", 4: "method" };
  let i = 0;
  const readVarint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const key = readVarint();
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === 0) {
      const value = readVarint();
      if (field === 2) reply.index = value;
    } else if (wire === 2) {
      const length = readVarint();
      const value = Buffer.from(bytes.subarray(i, i + length)).toString("utf8");
      i += length;
      if (names[field]) reply[names[field]] = value;
    } else {
      throw new Error(`unexpected wire type ${wire}`);
    }
  }
  return reply;
}

const reply = (style, kind, text, index, label = "styles") => ({ text, index, label, method: `${SERVICE}/${style}${kind}` });

describe("handler style detection", () => {
  const cases = [
    ["(ctx) =>", (ctx) => ctx, CONTEXT_STYLE],
    ["ctx => (no parens)", ctx => ctx, CONTEXT_STYLE],
    ["async context => (no parens)", async context => context, CONTEXT_STYLE],
    ["({ request, config }) =>", ({ request, config }) => [request, config], CONTEXT_STYLE],
    ["async function* ({ requests, ...rest })", async function* ({ requests, ...rest }) {
      yield [requests, rest];
    }, CONTEXT_STYLE],
    ["one identifier of another name", (call) => call, CONTEXT_STYLE],
    ["no parameters", () => 1, CONTEXT_STYLE],
    ["only a rest parameter", (...args) => args, CONTEXT_STYLE],
    ["(ctx, extra): a first parameter named ctx wins", (ctx, extra) => [ctx, extra], CONTEXT_STYLE],
    ["(req, ctx) =>", (req, ctx) => [req, ctx], REQUEST_FIRST_STYLE],
    ["(req, ctx = {}) => (Function.length 1)", (req, ctx = {}) => [req, ctx], REQUEST_FIRST_STYLE],
    ["(req = {}, ctx = {}) => (Function.length 0)", (req = {}, ctx = {}) => [req, ctx], REQUEST_FIRST_STYLE],
    ["async function named(request, { config } = {})", async function named(request, { config } = {}) {
      return [request, config];
    }, REQUEST_FIRST_STYLE],
    ["async function* (requests, ctx)", async function* (requests, ctx) {
      yield [requests, ctx];
    }, REQUEST_FIRST_STYLE],
    ["function* (req, ...rest)", function* (req, ...rest) {
      yield [req, rest];
    }, REQUEST_FIRST_STYLE],
    ["({ text }, [first] = []) destructuring patterns", ({ text }, [first] = []) => [text, first], REQUEST_FIRST_STYLE],
    ["a comment holding a comma", function (/* request, ctx */ ctx) {
      return ctx;
    }, CONTEXT_STYLE],
    ["a line comment holding a parenthesis", (req, // the message )
      ctx) => [req, ctx], REQUEST_FIRST_STYLE],
    ["a default value with commas and parentheses", (options = Math.max(1, 2), ctx = {}) => [options, ctx], REQUEST_FIRST_STYLE],
    ["a default string holding '),('", (label = "),(") => label, CONTEXT_STYLE],
    ["a default template with nested substitutions", (label = `a${(1, 2)}b${`c${")"}`}`) => label, CONTEXT_STYLE],
    ["a default regular expression holding ',)'", (pattern = /,\)/g) => pattern, CONTEXT_STYLE],
    ["a default division", (half = 4 / 2, ctx = {}) => [half, ctx], REQUEST_FIRST_STYLE],
    ["a method with a string key", { "pkg.Svc/M"(req, ctx) {
      return [req, ctx];
    } }["pkg.Svc/M"], REQUEST_FIRST_STYLE],
    ["a method with a computed key", { [`pkg.Svc/${"M"}`]({ request }) {
      return request;
    } }["pkg.Svc/M"], CONTEXT_STYLE],
    ["an async generator method", { async *Chat(requests, ctx) {
      yield [requests, ctx];
    } }.Chat, REQUEST_FIRST_STYLE],
    ["a bound two-parameter function (no source: Function.length)", ((req, ctx) => [req, ctx]).bind(null), REQUEST_FIRST_STYLE],
    ["a bound one-parameter function", ((ctx) => ctx).bind(null), CONTEXT_STYLE],
  ];
  for (const [name, fn, expected] of cases) {
    test(name, () => assert.equal(handlerStyle(fn), expected));
  }

  test("an own toString does not change the decision", () => {
    const fn = (req, ctx) => [req, ctx];
    fn.toString = () => "(ctx) => ctx";
    assert.equal(handlerStyle(fn), REQUEST_FIRST_STYLE);
  });

  test("the decision is made once per function", () => {
    const fn = (req, ctx = {}) => [req, ctx];
    const original = Function.prototype.toString;
    let reads = 0;
    Function.prototype.toString = function (...args) {
      if (this === fn) reads++;
      return original.apply(this, args);
    };
    try {
      assert.equal(handlerStyle(fn), REQUEST_FIRST_STYLE);
      assert.equal(handlerStyle(fn), REQUEST_FIRST_STYLE);
      assert.equal(handlerStyle(fn), REQUEST_FIRST_STYLE);
    } finally {
      Function.prototype.toString = original;
    }
    assert.equal(reads, 1);
  });

  test("callHandler passes the request (or request stream) first, then the same context", () => {
    const ctx = { request: { text: "hi" }, config: {} };
    const streamCtx = { requests: ["a"], config: {} };
    const seen = [];
    const requestFirst = (req, context = {}) => seen.push([req, context]);
    callHandler(requestFirst, ctx);
    callHandler(requestFirst, streamCtx);
    assert.equal(seen[0][0], ctx.request);
    assert.equal(seen[0][1], ctx);
    assert.equal(seen[1][0], streamCtx.requests);
    assert.equal(seen[1][1], streamCtx);
    const contextStyle = (...args) => args;
    assert.deepEqual(callHandler(contextStyle, ctx), [ctx]);
  });
});

describe("handler styles end to end", { timeout: 120_000 }, () => {
  let pkg;
  let port;
  let session;
  const processes = new ProcessGroup();
  const scratch = makeTempDir();
  const env = { ...process.env };
  delete env.OCTOBUS_PACKAGE_DIR;
  delete env.OCTOBUS_DESCRIPTOR_PATH;
  delete env.OCTOBUS_SERVICE_CONTEXT;

  before(async () => {
    pkg = preparePackage(path.join(fixturesDir, "handler-styles"));
    const child = processes.spawn(
      pkg.entry,
      ["--runtime", "serve", "--host", "127.0.0.1", "--port", "0", "--config-json", '{"label":"styles"}'],
      { cwd: scratch, env },
    );
    await waitFor(() => /serving gRPC on 127\.0\.0\.1:\d+/.test(child.stderrText), { what: "the serve log line" });
    port = Number(/127\.0\.0\.1:(\d+)/.exec(child.stderrText)[1]);
    session = connect(port);
  });

  after(async () => {
    session?.destroy();
    await processes.killAll();
    pkg?.cleanup();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  async function call(method, requests) {
    const body = Buffer.concat(requests.map((r) => frame(encodeStyleRequest(r))));
    const { outcome } = startCall(session, `/${SERVICE}/${method}`, { body });
    const result = await outcome;
    return { status: result.status, message: result.message, replies: result.frames.map((f) => decodeStyleReply(f.payload)) };
  }

  test("the fixture's request-first handlers fail when handed a context alone (the bug this guards against)", async () => {
    const { requestFirstStyle, requestDefaultStyle } = await import(pathToFileURL(path.join(pkg.dir, "handlers")).href);
    const ctx = { request: { text: "x", count: 1 }, config: { label: "l" }, method: "m" };
    assert.throws(() => requestFirstStyle.Unary(ctx), /text is required/);
    assert.throws(() => requestDefaultStyle.Unary(ctx), /text is required/);
    // …and pass when called the way their own tests call them.
    assert.deepEqual(requestDefaultStyle.Unary({ text: "x", count: 1 }), { text: "x", index: 1, label: "(no context)", method: "" });
  });

  for (const style of STYLES) {
    test(`serve: ${style} handlers in all four kinds`, async () => {
      const unary = await call(`${style}Unary`, [{ text: "hi", count: 7 }]);
      assert.equal(unary.status, 0, unary.message);
      assert.deepEqual(unary.replies, [reply(style, "Unary", "hi", 7)]);

      const expand = await call(`${style}Expand`, [{ text: "x", count: 3 }]);
      assert.equal(expand.status, 0, expand.message);
      assert.deepEqual(expand.replies, [1, 2, 3].map((i) => reply(style, "Expand", "x", i)));

      const collect = await call(`${style}Collect`, [{ text: "a" }, { text: "b" }, { text: "c" }]);
      assert.equal(collect.status, 0, collect.message);
      assert.deepEqual(collect.replies, [reply(style, "Collect", "a,b,c", 3)]);

      const chat = await call(`${style}Chat`, [{ text: "one" }, { text: "two" }]);
      assert.equal(chat.status, 0, chat.message);
      assert.deepEqual(chat.replies, [reply(style, "Chat", "ONE", 1), reply(style, "Chat", "TWO", 2)]);
    });
  }

  function invoke(method, request) {
    const workdir = fs.mkdtempSync(path.join(scratch, "invoke-"));
    fs.writeFileSync(path.join(workdir, "config.json"), '{"label":"on-demand"}');
    fs.writeFileSync(path.join(workdir, "metadata.json"), "{}");
    return new Promise((resolve, reject) => {
      const child = spawn(
        pkg.entry,
        ["--runtime", "invoke", "--method", `${SERVICE}/${method}`, "--config", "config.json", "--metadata", "metadata.json", "--workdir", workdir],
        { cwd: workdir, env, stdio: ["pipe", "pipe", "pipe"] },
      );
      const out = [];
      let err = "";
      child.stdout.on("data", (d) => out.push(d));
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
      child.stdin.end(encodeStyleRequest(request));
    });
  }

  for (const style of STYLES) {
    test(`invoke: ${style}Unary`, async () => {
      const result = await invoke(`${style}Unary`, { text: "od", count: 2 });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(decodeStyleReply(result.stdout), reply(style, "Unary", "od", 2, "on-demand"));
    });
  }

  test("invoke: a streaming method is still refused whatever the style", async () => {
    const result = await invoke("RequestFirstExpand", { text: "x", count: 1 });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^OCTOBUS_ERROR:\{"code":"UNIMPLEMENTED".*unary methods only/m);
  });

  const commands = { Ctx: "ctx-unary", Destructured: "destructured-unary", RequestFirst: "request-first-unary", RequestDefault: "request-default-unary" };
  for (const style of STYLES) {
    test(`business CLI: ${commands[style]}`, async () => {
      const result = await run(pkg.entry, [commands[style], "--data-json", '{"text":"cli","count":4}', "--config-json", '{"label":"cli"}'], {
        cwd: scratch,
        env,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(JSON.parse(result.stdout.toString()), reply(style, "Unary", "cli", 4, "cli"));
    });
  }

  test("business CLI usage lists the unary method of every style", async () => {
    const result = await run(pkg.entry, ["--help"], { cwd: scratch, env });
    assert.equal(result.code, 0, result.stderr);
    const names = result.stdout.toString().split("Commands:\n")[1].split("\n\n")[0].trim().split("\n").map((l) => l.trim().split(/\s+/)[0]);
    assert.deepEqual(names, Object.values(commands).sort());
  });
});
