// The one error type the protobuf layer raises for bad input (malformed bytes,
// invalid ProtoJSON, values of the wrong type). Callers map it to a wire status
// (INVALID_ARGUMENT / INTERNAL) in one place, so it must be distinguishable from
// programming errors: anything else escaping this folder is a bug.
export class ProtobufError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "ProtobufError";
  }
}

// Render a JS value for an error message without dumping huge payloads.
export function formatValue(value) {
  switch (typeof value) {
    case "string": {
      const s = value.length > 40 ? value.slice(0, 40) + "…" : value;
      return JSON.stringify(s);
    }
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
    case "undefined":
    case "symbol":
      return String(value);
    case "function":
      return "function";
    default:
      if (value === null) return "null";
      if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
      if (Array.isArray(value)) return `array(${value.length})`;
      if (typeof value.$typeName === "string") return `message ${value.$typeName}`;
      return "object";
  }
}
