// The common shapes of a handler response, turned into a message without the
// ProtoJSON reader: `--runtime invoke` is one process per call, and loading
// the JSON codec (five modules) only to read `{result: 42, label: "x"}` is a
// measurable part of its start-up.
//
// normalizeResponse (normalize.js) reads a plain object as ProtoJSON first
// and, if that fails, as an init object (createMessage). This shortcut
// accepts only values for which both readings agree, or for which ProtoJSON
// fails and the init-object reading is what it computes — so its result is
// always the one normalizeResponse would give. Everything else returns
// undefined and takes the general path:
//
// - the object is plain (prototype Object.prototype or null), the type is not
//   a google.protobuf.* well-known type, nesting is at most the depth limit;
// - every own key is the local name of a field outside any oneof (ProtoJSON
//   names oneof members directly, init objects by the oneof), and ProtoJSON
//   does not read that key as another field (a json_name or proto name);
// - each value is `undefined` (ProtoJSON rejects it, an init object skips it),
//   or: a scalar the init-object rules accept (normalizeScalar) that is not a
//   string for bytes (base64 is for ProtoJSON to decode); an int32 enum
//   number; a list of such scalars; a message of the field's type; a nested
//   plain object satisfying the same rules.
import { Op, codecTable } from "./field-table.js";
import { defaultMaximumRecursionDepth } from "./limits.js";
import { createZeroMessage, isMessage } from "./message.js";
import { ScalarType } from "./scalar.js";
import { INVALID, normalizeScalar } from "./scalar-check.js";

const keysKey = Symbol("protobuf.simpleResponseKeys");

// Returns the message, or undefined when the value needs the general path.
export function simpleResponse(desc, value) {
  if (isMessage(value, desc)) return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return createZeroMessage(desc);
  return simpleMessage(desc, value, 0);
}

function isPlainObject(value) {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function simpleMessage(desc, init, depth) {
  if (depth > defaultMaximumRecursionDepth || !isPlainObject(init) || desc.typeName.startsWith("google.protobuf.")) {
    return undefined;
  }
  const keys = simpleKeys(desc);
  const msg = createZeroMessage(desc);
  for (const key of Object.keys(init)) {
    const e = keys.get(key);
    if (e === undefined) return undefined;
    const value = init[key];
    if (value === undefined) continue;
    const converted = simpleValue(e, value, depth);
    if (converted === INVALID) return undefined;
    msg[e.name] = converted;
  }
  return msg;
}

function simpleValue(e, value, depth) {
  switch (e.op) {
    case Op.SCALAR:
      return simpleScalar(e, value);
    case Op.ENUM:
      return typeof value === "number" && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff
        ? value
        : INVALID;
    case Op.LIST_SCALAR: {
      if (!Array.isArray(value)) return INVALID;
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const item = simpleScalar(e, value[i]);
        if (item === INVALID) return INVALID;
        out[i] = item;
      }
      return out;
    }
    case Op.MESSAGE: {
      if (isMessage(value, e.message)) return value;
      if (value === null || typeof value !== "object" || Array.isArray(value)) return INVALID;
      return simpleMessage(e.message, value, depth + 1) ?? INVALID;
    }
  }
  return INVALID;
}

function simpleScalar(e, value) {
  if (value === null || value === undefined) return INVALID;
  if (e.scalar === ScalarType.BYTES && typeof value === "string") return INVALID;
  return normalizeScalar(e.scalar, value, e.longAsString);
}

// local name → entry, for the fields whose local name ProtoJSON reads as no
// other field (a local name that is no ProtoJSON name at all is fine: ProtoJSON
// then fails on it, and the init-object reading is what is computed here).
function simpleKeys(desc) {
  let keys = desc[keysKey];
  if (keys !== undefined) return keys;
  const { entries } = codecTable(desc);
  const claims = new Map(); // ProtoJSON name → the entries it may denote
  for (const e of entries) {
    for (const name of [e.field.name, e.field.jsonName]) {
      if (!claims.has(name)) claims.set(name, new Set());
      claims.get(name).add(e);
    }
  }
  keys = new Map();
  for (const e of entries) {
    if (e.oneof !== undefined) continue;
    const claimedBy = claims.get(e.name);
    if (claimedBy !== undefined && (claimedBy.size !== 1 || !claimedBy.has(e))) continue;
    keys.set(e.name, e);
  }
  Object.defineProperty(desc, keysKey, { value: keys, enumerable: false });
  return keys;
}
