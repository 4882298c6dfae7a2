// A drop-in for the parts of grpc-js `Metadata` that handlers use: upstream
// packages call `ctx.metadata.get("x")[0]`, `getMap()`, `set/add/remove`.
// Keys are lower-cased; `-bin` keys hold Buffers, all others printable strings,
// with the same validation messages grpc-js uses.

const LEGAL_KEY = /^[0-9a-z_.-]+$/;
const LEGAL_VALUE = /^[ -~]*$/;

function isBinaryKey(key) {
  return key.endsWith("-bin");
}

function normalizeKey(key) {
  if (typeof key !== "string") {
    throw new TypeError(`Metadata key must be a string, got ${typeof key}`);
  }
  const normalized = key.toLowerCase();
  if (!LEGAL_KEY.test(normalized)) {
    throw new Error(`Metadata key "${key}" contains illegal characters`);
  }
  return normalized;
}

function checkValue(key, value) {
  if (isBinaryKey(key)) {
    if (!Buffer.isBuffer(value)) {
      throw new Error("keys that end with '-bin' must have Buffer values");
    }
    return;
  }
  if (typeof value !== "string") {
    throw new Error("keys that don't end with '-bin' must have String values");
  }
  if (!LEGAL_VALUE.test(value)) {
    throw new Error(`Metadata string value "${value}" contains illegal characters`);
  }
}

export class Metadata {
  #entries = new Map();

  set(key, value) {
    const k = normalizeKey(key);
    checkValue(k, value);
    this.#entries.set(k, [value]);
  }

  add(key, value) {
    const k = normalizeKey(key);
    checkValue(k, value);
    const existing = this.#entries.get(k);
    if (existing) existing.push(value);
    else this.#entries.set(k, [value]);
  }

  remove(key) {
    this.#entries.delete(normalizeKey(key));
  }

  // Always an array, empty when the key is absent, so `get(k)[0]` is safe.
  get(key) {
    return this.#entries.get(normalizeKey(key)) ?? [];
  }

  // First value of each key, as grpc-js returns it.
  getMap() {
    const result = {};
    for (const [key, values] of this.#entries) {
      if (values.length > 0) result[key] = values[0];
    }
    return result;
  }

  clone() {
    const copy = new Metadata();
    for (const [key, values] of this.#entries) {
      for (const value of values) copy.add(key, Buffer.isBuffer(value) ? Buffer.from(value) : value);
    }
    return copy;
  }

  merge(other) {
    for (const [key, values] of Object.entries(other.toJSON())) {
      for (const value of values) this.add(key, value);
    }
  }

  toJSON() {
    const result = {};
    for (const [key, values] of this.#entries) result[key] = [...values];
    return result;
  }

  // HTTP/2 header object form (binary values base64-encoded), as grpc-js emits.
  toHttp2Headers() {
    const headers = {};
    for (const [key, values] of this.#entries) {
      headers[key] = values.map((v) => (Buffer.isBuffer(v) ? v.toString("base64") : v));
    }
    return headers;
  }

  // Build from incoming HTTP/2 headers given as Node's flat raw list
  // [name, value, name, value, …], which keeps repeated headers apart (the
  // header object joins them with ", "). Pseudo-headers are skipped; a value
  // that is not legal metadata is dropped rather than failing the whole call,
  // as grpc-js does. A `-bin` value may carry several comma-joined values.
  static fromRawHeaders(rawHeaders, skip = new Set()) {
    const metadata = new Metadata();
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const key = String(rawHeaders[i]).toLowerCase();
      if (key.startsWith(":") || skip.has(key)) continue;
      const value = String(rawHeaders[i + 1]);
      try {
        if (isBinaryKey(key)) {
          for (const part of value.split(",")) metadata.add(key, Buffer.from(part.trim(), "base64"));
        } else {
          metadata.add(key, value);
        }
      } catch {
        // An illegal key or value cannot be represented; grpc-js drops it too.
      }
    }
    return metadata;
  }
}

// SPEC §11.2: handlers never see OctoBus routing keys (`x-octobus-*`), but do
// see business extensions (`x-octobus-ext-*`).
export function isOctobusControlKey(key) {
  const k = key.toLowerCase();
  return k.startsWith("x-octobus-") && !k.startsWith("x-octobus-ext-");
}

export function stripControlMetadata(metadata) {
  const stripped = new Metadata();
  for (const [key, values] of Object.entries(metadata.toJSON())) {
    if (isOctobusControlKey(key)) continue;
    for (const value of values) stripped.add(key, value);
  }
  return stripped;
}
