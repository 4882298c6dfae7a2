// Validation and normalization of scalar values supplied by JS code (init
// objects, handler responses) before they are stored or encoded. One place
// decides what "the right type" means, so createMessage and encodeMessage
// reject exactly the same values.
import { ScalarType, protoTypeName } from "./scalar.js";

export const INVALID = Symbol("invalid scalar");

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
const UINT32_MAX = 0xffffffff;
const FLOAT32_MAX = 3.4028234663852886e38;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

export function scalarLabel(scalar) {
  return protoTypeName(scalar);
}

// Returns the value in its canonical representation (bigint — or decimal
// string with jstype = JS_STRING — for 64-bit ints, Uint8Array for bytes), or
// INVALID.
export function normalizeScalar(scalar, value, longAsString) {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return typeof value === "number" && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX
        ? value
        : INVALID;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= UINT32_MAX ? value : INVALID;
    case ScalarType.DOUBLE:
      return typeof value === "number" ? value : INVALID;
    case ScalarType.FLOAT:
      if (typeof value !== "number") return INVALID;
      if (Number.isFinite(value) && (value > FLOAT32_MAX || value < -FLOAT32_MAX)) return INVALID;
      return value;
    case ScalarType.BOOL:
      return typeof value === "boolean" ? value : INVALID;
    case ScalarType.STRING:
      return typeof value === "string" ? value : INVALID;
    case ScalarType.BYTES:
      return toBytes(value);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64: {
      const big = toBigInt(value);
      if (big === INVALID || big < INT64_MIN || big > INT64_MAX) return INVALID;
      return longAsString ? big.toString() : big;
    }
    case ScalarType.UINT64:
    case ScalarType.FIXED64: {
      const big = toBigInt(value);
      if (big === INVALID || big < 0n || big > UINT64_MAX) return INVALID;
      return longAsString ? big.toString() : big;
    }
  }
  return INVALID;
}

// bigint as is; integral numbers (safe or not: a double that holds an
// integer is exact); decimal strings.
function toBigInt(value) {
  switch (typeof value) {
    case "bigint":
      return value;
    case "number":
      return Number.isInteger(value) ? BigInt(value) : INVALID;
    case "string":
      return /^-?[0-9]+$/.test(value) ? BigInt(value) : INVALID;
  }
  return INVALID;
}

// Uint8Array (Buffer included, as a plain view) or an array of byte values.
function toBytes(value) {
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return new Uint8Array(value);
  }
  return INVALID;
}
