// createMessage(desc, init): protobuf-es `create(schema, init)`, plus type
// checks. The init object uses local (lowerCamelCase) names; 64-bit ints may
// be bigint, integral number or decimal string; enums are numbers; bytes are
// Uint8Array/Buffer (or arrays of byte values); message fields take nested
// init objects or messages; oneofs take {case, value}. null/undefined leave a
// field unset and unknown properties are ignored, as in protobuf-es. A value
// of the wrong type throws ProtobufError naming the field — the SDK relies on
// that to fall back to an empty message for unusable handler responses.
import { ProtobufError, formatValue } from "./errors.js";
import { Op, codecTable } from "./field-table.js";
import { defaultMaximumRecursionDepth } from "./limits.js";
import { createZeroMessage, isMessage } from "./message.js";
import { ScalarType } from "./scalar.js";
import { INVALID, normalizeScalar, scalarLabel } from "./scalar-check.js";
import { setEntry } from "./own-property.js";

export function createMessage(desc, init) {
  if (init === undefined || init === null) return createZeroMessage(desc);
  return initMessage(desc, init, 0);
}

function fail(e, problem) {
  throw new ProtobufError(`cannot create ${e.fullName}: ${problem}`);
}

function initMessage(desc, init, depth) {
  if (isMessage(init, desc)) return init;
  if (typeof init !== "object" || Array.isArray(init) || init instanceof Uint8Array) {
    throw new ProtobufError(`cannot create message ${desc.typeName}: expected an init object, got ${formatValue(init)}`);
  }
  if (depth > defaultMaximumRecursionDepth) {
    throw new ProtobufError(`cannot create message ${desc.typeName}: init objects nested deeper than ${defaultMaximumRecursionDepth} levels`);
  }
  const table = codecTable(desc);
  const msg = createZeroMessage(desc);
  const oneofDone = new Set();
  for (const e of table.entries) {
    if (e.oneof !== undefined) {
      if (oneofDone.has(e.oneof)) continue;
      oneofDone.add(e.oneof);
      const adt = init[e.oneof];
      if (adt === undefined || adt === null) continue;
      if (typeof adt !== "object" || Array.isArray(adt)) {
        throw new ProtobufError(`cannot create oneof ${desc.typeName}.${e.oneof}: expected {case, value}, got ${formatValue(adt)}`);
      }
      if (adt.case === undefined) continue;
      const member = table.entries.find((m) => m.oneof === e.oneof && m.name === adt.case);
      if (member === undefined) {
        throw new ProtobufError(`cannot create oneof ${desc.typeName}.${e.oneof}: unknown case ${formatValue(adt.case)}`);
      }
      if (adt.value === undefined || adt.value === null) fail(member, "oneof case without value");
      msg[e.oneof] = { case: member.name, value: initSingular(member, adt.value, depth) };
      continue;
    }
    const value = init[e.name];
    if (value === undefined || value === null) continue;
    switch (e.op) {
      case Op.SCALAR:
      case Op.ENUM:
      case Op.MESSAGE:
      case Op.WRAPPER:
        msg[e.name] = initSingular(e, value, depth);
        break;
      case Op.LIST_SCALAR:
      case Op.LIST_ENUM:
      case Op.LIST_MESSAGE:
        msg[e.name] = initList(e, value, depth);
        break;
      case Op.MAP:
        msg[e.name] = initMap(e, value, depth);
        break;
    }
  }
  return msg;
}

function initSingular(e, value, depth) {
  switch (e.op) {
    case Op.SCALAR:
      return initScalar(e, e.scalar, value);
    case Op.ENUM:
      return initEnum(e, value);
    case Op.WRAPPER:
      // A wrapper message is accepted and unboxed; otherwise the bare value.
      return initScalar(e, e.scalar, isMessage(value, e.message) ? value.value : value);
    case Op.MESSAGE:
      return initMessageValue(e, value, depth);
  }
  return value;
}

function initMessageValue(e, value, depth) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(e, `expected message ${e.message.typeName} or an init object, got ${formatValue(value)}`);
  }
  return initMessage(e.message, value, depth + 1);
}

function initScalar(e, scalar, value) {
  const normalized = normalizeScalar(scalar, value, scalar === e.scalar && e.longAsString);
  if (normalized === INVALID) fail(e, `expected ${scalarLabel(scalar)}, got ${formatValue(value)}`);
  return normalized;
}

function initEnum(e, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    fail(e, `expected enum ${e.enum.typeName} number, got ${formatValue(value)}`);
  }
  return value;
}

function initList(e, value, depth) {
  if (!Array.isArray(value)) fail(e, `expected an array, got ${formatValue(value)}`);
  const out = new Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (item === undefined || item === null) fail(e, `list item ${i} must not be ${item}`);
    switch (e.op) {
      case Op.LIST_SCALAR:
        out[i] = initScalar(e, e.scalar, item);
        break;
      case Op.LIST_ENUM:
        out[i] = initEnum(e, item);
        break;
      case Op.LIST_MESSAGE:
        out[i] = initMessageValue(e, item, depth);
        break;
    }
  }
  return out;
}

function initMap(e, value, depth) {
  if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    fail(e, `expected an object, got ${formatValue(value)}`);
  }
  const out = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) fail(e, `map value for key ${JSON.stringify(key)} must not be ${item}`);
    const normalizedKey = checkMapKey(e, key);
    switch (e.mapKind) {
      case "scalar":
        setEntry(out, normalizedKey, initScalar(e, e.scalar, item));
        break;
      case "enum":
        setEntry(out, normalizedKey, initEnum(e, item));
        break;
      case "message":
        setEntry(out, normalizedKey, initMessageValue(e, item, depth));
        break;
    }
  }
  return out;
}

// Map keys are property names; they must spell a value of the key type.
function checkMapKey(e, key) {
  switch (e.mapKey) {
    case ScalarType.STRING:
      return key;
    case ScalarType.BOOL:
      if (key === "true" || key === "false") return key;
      break;
    default: {
      if (!/^-?[0-9]+$/.test(key)) break;
      const normalized = normalizeScalar(e.mapKey, parseMapKeyText(e.mapKey, key), false);
      if (normalized !== INVALID) return String(normalized);
    }
  }
  fail(e, `invalid ${scalarLabel(e.mapKey)} map key ${JSON.stringify(key)}`);
}

function parseMapKeyText(scalar, text) {
  switch (scalar) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return BigInt(text);
  }
  return Number(text);
}
