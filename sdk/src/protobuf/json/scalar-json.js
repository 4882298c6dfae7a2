// ProtoJSON forms of scalar values (https://protobuf.dev/programming-guides/json/):
// 64-bit ints as decimal strings (numbers accepted), floats as numbers or
// "NaN"/"Infinity"/"-Infinity", bytes as base64, 32-bit ints as numbers
// (numeric strings accepted). Converters return INVALID for a value of the
// wrong form; callers raise the error, naming the field.
import { ScalarType } from "../scalar.js";
import { INVALID, normalizeScalar } from "../scalar-check.js";
import { base64Decode, base64Encode } from "./base64.js";

const FLOAT32_MAX = 3.4028234663852886e38;

// JSON value → scalar value, or INVALID.
export function scalarFromJson(scalar, json, longAsString) {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      let n;
      if (json === "NaN") return Number.NaN;
      if (json === "Infinity") return Number.POSITIVE_INFINITY;
      if (json === "-Infinity") return Number.NEGATIVE_INFINITY;
      if (typeof json === "number") n = json;
      else if (typeof json === "string" && json !== "" && json.trim() === json) n = Number(json);
      else return INVALID;
      if (!Number.isFinite(n)) return INVALID;
      if (scalar === ScalarType.FLOAT && (n > FLOAT32_MAX || n < -FLOAT32_MAX)) return INVALID;
      return n;
    }
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
    case ScalarType.UINT32:
    case ScalarType.FIXED32: {
      const n = jsonNumber(json);
      return n === INVALID ? INVALID : normalizeScalar(scalar, n, false);
    }
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64: {
      let big;
      if (typeof json === "number") {
        if (!Number.isInteger(json)) return INVALID;
        big = BigInt(json);
      } else if (typeof json === "string" && /^-?[0-9]+$/.test(json)) {
        big = BigInt(json);
      } else if (typeof json === "string" && json.trim() === json && json !== "") {
        // exponent or fraction notation that still denotes an integer, e.g. "1e3"
        const n = Number(json);
        if (!Number.isSafeInteger(n)) return INVALID;
        big = BigInt(n);
      } else {
        return INVALID;
      }
      return normalizeScalar(scalar, big, longAsString);
    }
    case ScalarType.BOOL:
      return typeof json === "boolean" ? json : INVALID;
    case ScalarType.STRING:
      return typeof json === "string" ? json : INVALID;
    case ScalarType.BYTES:
      if (typeof json !== "string") return INVALID;
      return base64Decode(json) ?? INVALID;
  }
  return INVALID;
}

// A 32-bit integer given as a JSON number or a numeric string.
function jsonNumber(json) {
  if (typeof json === "number") return json;
  if (typeof json === "string" && json !== "" && json.trim() === json) {
    const n = Number(json);
    return Number.isNaN(n) ? INVALID : n;
  }
  return INVALID;
}

// Scalar value → JSON value, or INVALID when the value has the wrong type.
export function scalarToJson(scalar, value) {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      if (typeof value !== "number") return INVALID;
      if (Number.isNaN(value)) return "NaN";
      if (value === Number.POSITIVE_INFINITY) return "Infinity";
      if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
      return value;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return normalizeScalar(scalar, value, false);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return normalizeScalar(scalar, value, true); // decimal string
    case ScalarType.BOOL:
      return typeof value === "boolean" ? value : INVALID;
    case ScalarType.STRING:
      return typeof value === "string" ? value : INVALID;
    case ScalarType.BYTES:
      return value instanceof Uint8Array ? base64Encode(value) : INVALID;
  }
  return INVALID;
}

// Map keys in JSON are strings; returns the canonical property-name form of
// the key (e.g. "007" → "7" for int keys), or INVALID.
export function mapKeyFromJson(scalar, key) {
  switch (scalar) {
    case ScalarType.STRING:
      return key;
    case ScalarType.BOOL:
      return key === "true" || key === "false" ? key : INVALID;
    default: {
      const v = scalarFromJson(scalar, key, true);
      return v === INVALID ? INVALID : String(v);
    }
  }
}
