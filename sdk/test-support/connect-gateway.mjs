// A small Connect (unary, JSON) gateway in front of an SDK gRPC server, the
// way OctoBus's Connect route works (SPEC §8.4), for testing generated
// Connect clients end to end: strict ProtoJSON in (the SDK's fromJson),
// binary gRPC to the backend, ProtoJSON out (toJson), errors as
// {"code","message"} with Connect's HTTP statuses. Routes:
//   POST /<pkg.Svc>/<Method>
//   POST /capsets/<capset>/connect/<instance>/<pkg.Svc>/<Method>
// `requests` records what arrived (url, headers, body) for assertions.
import http from "node:http";
import { Registry, decodeMessage, encodeMessage, fromJson, toJson } from "../src/protobuf/index.js";
import { connect, unary } from "./grpc-client.mjs";

const CONNECT_CODES = [
  ["ok", 200],
  ["canceled", 499],
  ["unknown", 500],
  ["invalid_argument", 400],
  ["deadline_exceeded", 504],
  ["not_found", 404],
  ["already_exists", 409],
  ["permission_denied", 403],
  ["resource_exhausted", 429],
  ["failed_precondition", 400],
  ["aborted", 409],
  ["out_of_range", 400],
  ["unimplemented", 501],
  ["internal", 500],
  ["unavailable", 503],
  ["data_loss", 500],
  ["unauthenticated", 401],
];

export async function startConnectGateway({ descriptorBytes, backendPort }) {
  const registry = Registry.fromFileDescriptorSet(descriptorBytes);
  const session = connect(backendPort);
  const requests = [];

  const reply = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const fail = (res, code, message) => {
    const [name, status] = CONNECT_CODES[code];
    reply(res, status, { code: name, message });
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString("utf8");
    requests.push({ method: req.method, url: req.url, headers: req.headers, body: text });
    const route = /^(?:\/capsets\/[^/]+\/connect\/[^/]+)?\/([^/]+)\/([^/]+)$/.exec(req.url);
    const method = route && registry.getMethod(`${route[1]}/${route[2]}`);
    if (!method) return fail(res, 5, "unknown Connect route");
    if (method.methodKind !== "unary") return fail(res, 12, "method is not a unary service method");
    if (req.method !== "POST") return reply(res, 405, { code: "unimplemented", message: "POST only" });
    if (!/^application\/json\b/.test(req.headers["content-type"] ?? "")) return reply(res, 415, { code: "internal", message: "json only" });
    let input;
    try {
      input = fromJson(method.input, text.trim() === "" ? {} : JSON.parse(text));
    } catch (error) {
      return fail(res, 3, error.message);
    }
    const headers = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (key === "x-business-request-id" || key.startsWith("x-octobus-ext-")) headers[key] = value;
    }
    const result = await unary(session, `/${method.fullName}`, encodeMessage(method.input, input), { headers });
    if (result.status !== 0) return fail(res, result.status ?? 2, result.message ?? "");
    return reply(res, 200, toJson(method.output, decodeMessage(method.output, result.frames[0].payload)));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        session.destroy();
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
