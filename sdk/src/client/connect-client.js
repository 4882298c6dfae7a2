// The runtime of generated Connect clients (`client-stub --transport connect`).
// It is inlined into the generated module, which must run anywhere `fetch`
// does (Node ≥ 18, browsers, workers): no imports beyond client-shape.js.
//
// Each unary method is one Connect unary call with the JSON codec:
//
//   POST <baseUrl>/<pkg.Service>/<Method>
//   content-type: application/json
//   connect-protocol-version: 1
//   [connect-timeout-ms: <timeoutMs>]
//
// With `capset` and `instance` options the path goes through OctoBus's
// Connect route instead: <baseUrl>/capsets/<capset>/connect/<instance>/<pkg.Service>/<Method>.
// Requests are ProtoJSON objects (BigInt and Uint8Array values are written as
// their ProtoJSON forms, decimal strings and base64); responses are the
// ProtoJSON the server sent, parsed. A failed call throws a ConnectError with
// `code` (a Connect code such as "invalid_argument"), `message`, the HTTP
// `status` and the error's `details`.
import { buildClient, headerEntries } from "./client-shape.js";

export class ConnectError extends Error {
  constructor(code, message, { status, details, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "ConnectError";
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

// Connect's mapping for an HTTP error without a Connect error body.
export function codeForHttpStatus(status) {
  switch (status) {
    case 400:
      return "internal";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission_denied";
    case 404:
      return "unimplemented";
    case 429:
    case 502:
    case 503:
    case 504:
      return "unavailable";
    default:
      return "unknown";
  }
}

function base64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// JSON.stringify replacer: ProtoJSON forms of BigInt and bytes values. The
// holder's own value is checked, because a Buffer's toJSON runs first.
function protoJsonReplacer(key, value) {
  const raw = this[key];
  if (raw instanceof Uint8Array) return base64(raw);
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function encodeConnectRequest(request) {
  return JSON.stringify(request ?? {}, protoJsonReplacer);
}

export function connectUrl(baseUrl, methodName, { capset, instance } = {}) {
  const [service, method] = methodName.split("/");
  let prefix = String(baseUrl).replace(/\/+$/, "");
  if (capset !== undefined || instance !== undefined) {
    if (capset === undefined || instance === undefined) throw new TypeError("capset and instance go together");
    prefix += `/capsets/${encodeURIComponent(capset)}/connect/${encodeURIComponent(instance)}`;
  }
  return `${prefix}/${service}/${method}`;
}

// options: { baseUrl, headers (object, Headers, or a function returning one,
// maybe async), token (→ authorization: Bearer), capset, instance, fetch,
// timeoutMs }. Per call: { headers, signal, timeoutMs }.
export function createConnectClient(services, defaults, options = {}) {
  const baseUrl = options.baseUrl ?? defaults.baseUrl;
  if (!baseUrl) throw new TypeError("baseUrl is required (e.g. http://127.0.0.1:8080/capsets/dev/connect/calc-1)");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") throw new TypeError("no fetch implementation: pass options.fetch");

  async function invoke(method, request, call) {
    if (method.kind !== "unary") {
      throw new ConnectError("unimplemented", `${method.name} is ${method.kind.replace("_", "-")}; Connect clients call unary methods only`);
    }
    const headers = new Headers();
    const base = typeof options.headers === "function" ? await options.headers() : options.headers;
    for (const [key, value] of headerEntries(base)) headers.append(key, String(value));
    if (options.token !== undefined) headers.set("authorization", `Bearer ${options.token}`);
    for (const [key, value] of headerEntries(call.headers)) headers.set(key, String(value));
    headers.set("content-type", "application/json");
    headers.set("connect-protocol-version", "1");
    const timeoutMs = call.timeoutMs ?? options.timeoutMs;
    const signals = [];
    if (call.signal) signals.push(call.signal);
    if (timeoutMs !== undefined) {
      headers.set("connect-timeout-ms", String(Math.max(1, Math.ceil(timeoutMs))));
      signals.push(AbortSignal.timeout(Math.max(1, timeoutMs)));
    }
    const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);

    let response;
    let text;
    try {
      response = await fetchImpl(connectUrl(baseUrl, method.name, options), {
        method: "POST",
        headers,
        body: encodeConnectRequest(request),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (error?.name === "TimeoutError") throw new ConnectError("deadline_exceeded", `${method.name}: deadline exceeded`, { cause: error });
      if (error?.name === "AbortError") throw new ConnectError("canceled", `${method.name}: canceled`, { cause: error });
      throw new ConnectError("unavailable", `${method.name}: ${error?.message ?? error}`, { cause: error });
    }
    let body;
    try {
      body = text.trim() === "" ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok) {
      if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) {
        throw new ConnectError("internal", `${method.name}: the response is not a JSON object`, { status: response.status });
      }
      return body;
    }
    if (body !== undefined && body !== null && typeof body === "object" && typeof body.code === "string") {
      throw new ConnectError(body.code, typeof body.message === "string" ? body.message : "", {
        status: response.status,
        details: body.details,
      });
    }
    throw new ConnectError(codeForHttpStatus(response.status), text.trim() || response.statusText || `HTTP ${response.status}`, {
      status: response.status,
    });
  }

  return buildClient(services, invoke, () => {});
}
