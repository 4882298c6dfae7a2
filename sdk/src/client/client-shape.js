// The object a generated client factory returns, for either transport:
//
//   client.services["calculator.v1.CalculatorService"].Add(request, options)
//   client.CalculatorService.Add(request, options)   (short service name, when unambiguous)
//   client.call("calculator.v1.CalculatorService/Add", request, options)
//   client.close()
//
// `services` is the generated table: full service name → method name →
// { path: "/pkg.Svc/Method", kind, input, output } (kind as in the SDK's
// descriptors: unary, server_streaming, client_streaming, bidi_streaming).
// `invoke(method, request, options)` does the call for one method entry.

const RESERVED = new Set(["services", "call", "close"]);

export function buildClient(services, invoke, close) {
  const client = { services: {} };
  const byPath = new Map();
  const shortNames = new Map();
  for (const fullName of Object.keys(services)) {
    const short = fullName.slice(fullName.lastIndexOf(".") + 1);
    shortNames.set(short, (shortNames.get(short) ?? 0) + 1);
  }
  for (const [fullName, methods] of Object.entries(services)) {
    const stub = {};
    for (const [name, method] of Object.entries(methods)) {
      const entry = { ...method, name: `${fullName}/${name}` };
      stub[name] = (request, options) => invoke(entry, request, options ?? {});
      byPath.set(entry.name, stub[name]);
    }
    client.services[fullName] = stub;
    const short = fullName.slice(fullName.lastIndexOf(".") + 1);
    if (shortNames.get(short) === 1 && !RESERVED.has(short)) client[short] = stub;
  }
  client.call = (method, request, options) => {
    const fn = byPath.get(String(method).replace(/^\//, ""));
    if (fn === undefined) throw new TypeError(`unknown method ${JSON.stringify(method)}; expected "pkg.Service/Method"`);
    return fn(request, options);
  };
  client.close = close;
  return client;
}

// Metadata / header values given as { key: value | [values] } (or a Headers
// object, or a Map) → [[key, value], …] with lower-case keys.
export function headerEntries(headers) {
  const out = [];
  if (headers === undefined || headers === null) return out;
  const entries =
    typeof headers.entries === "function" && !Array.isArray(headers) ? [...headers.entries()] : Object.entries(headers);
  for (const [key, value] of entries) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) out.push([key.toLowerCase(), item]);
    }
  }
  return out;
}
