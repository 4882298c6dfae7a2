// A YAML emitter for JSON values (what `inspect --yaml` prints). Strings are
// written plain when that cannot be misread, else as JSON strings, which are
// valid YAML double-quoted scalars.
const RESERVED = /^(?:true|false|yes|no|on|off|null|~|y|n)$/i;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_ ./@+-]*$/;

function scalar(value) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  const text = String(value);
  if (PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(" ") && !text.includes(": ") && !text.includes(" #")) {
    return text;
  }
  return JSON.stringify(text);
}

function key(name) {
  return PLAIN.test(name) && !RESERVED.test(name) && !name.includes(" ") ? name : JSON.stringify(name);
}

function isCollection(value) {
  return value !== null && typeof value === "object" && (Array.isArray(value) ? value.length > 0 : Object.keys(value).length > 0);
}

function emit(value, indent) {
  const pad = " ".repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return ["[]"];
    const lines = [];
    for (const item of value) {
      if (isCollection(item)) {
        const [first, ...rest] = emit(item, indent + 2);
        lines.push(`${pad}- ${first.trimStart()}`, ...rest);
      } else {
        lines.push(`${pad}- ${emitInline(item)}`);
      }
    }
    return lines;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return ["{}"];
    const lines = [];
    for (const [k, v] of entries) {
      if (isCollection(v)) lines.push(`${pad}${key(k)}:`, ...emit(v, indent + 2));
      else lines.push(`${pad}${key(k)}: ${emitInline(v)}`);
    }
    return lines;
  }
  return [pad + scalar(value)];
}

function emitInline(value) {
  if (Array.isArray(value)) return "[]";
  if (value !== null && typeof value === "object") return "{}";
  return scalar(value);
}

export function toYaml(value) {
  if (!isCollection(value)) return `${emitInline(value)}\n`;
  return `${emit(value, 0).join("\n")}\n`;
}
