// Message object → binary. Fields are written in field-number order, then any
// preserved unknown fields. Repeated scalars are packed when the descriptor
// says so (the proto3 default). Values are type-checked as they are written:
// a string in an int32 field is a ProtobufError naming the field, not silent
// garbage on the wire.
import { BinaryWriter } from "./binary-writer.js";
import { ProtobufError, formatValue } from "./errors.js";
import { FieldPresence } from "./features.js";
import { Op, codecTable } from "./field-table.js";
import { defaultMaximumRecursionDepth } from "./limits.js";
import { isMessage } from "./message.js";
import { ScalarType, WireType, isScalarZero, scalarWireType } from "./scalar.js";
import { INVALID, normalizeScalar, scalarLabel } from "./scalar-check.js";

export function encodeMessage(desc, message, options) {
  if (message === null || typeof message !== "object" || Array.isArray(message)) {
    throw new ProtobufError(`cannot encode ${desc} to binary: expected a message object, got ${formatValue(message)}`);
  }
  if (typeof message.$typeName === "string" && message.$typeName !== desc.typeName) {
    throw new ProtobufError(`cannot encode ${desc} to binary: got a message of type ${message.$typeName}`);
  }
  // Reuse one writer across calls (encoding is synchronous); a nested call,
  // should one ever happen, simply gets a fresh writer.
  const w = spareWriter ?? new BinaryWriter();
  spareWriter = undefined;
  w.pos = 0;
  const maxDepth = options?.maxDepth ?? defaultMaximumRecursionDepth;
  try {
    writeMessage(w, desc, message, 0, maxDepth);
    return w.finish();
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufError(`cannot encode ${desc} to binary: ${e?.message ?? e}`, { cause: e });
  } finally {
    // Do not pin the memory of an unusually large message.
    if (w.buf.length <= retainedWriterBytes) spareWriter = w;
  }
}

let spareWriter;
const retainedWriterBytes = 1 << 20;

function fail(e, problem) {
  throw new ProtobufError(`cannot encode field ${e.fullName} to binary: ${problem}`);
}

function writeMessage(w, desc, msg, depth, maxDepth) {
  if (depth > maxDepth) {
    throw new ProtobufError(`cannot encode ${desc} to binary: messages nested deeper than ${maxDepth} levels`);
  }
  const table = codecTable(desc);
  const sorted = table.sorted;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (e.oneof !== undefined) {
      const adt = msg[e.oneof];
      if (adt === undefined || adt === null || adt.case !== e.name) continue;
      writeSingular(w, e, adt.value, depth, maxDepth);
      continue;
    }
    const value = msg[e.name];
    switch (e.op) {
      case Op.SCALAR:
      case Op.ENUM:
        if (value === undefined || value === null) {
          if (e.required) fail(e, "required field not set");
          continue;
        }
        if (e.presence === FieldPresence.IMPLICIT) {
          if (e.op === Op.ENUM ? value === 0 : isScalarZero(e.scalar, value)) continue;
        } else if (table.usesPrototype && !Object.hasOwn(msg, e.name)) {
          if (e.required) fail(e, "required field not set");
          continue;
        }
        writeSingular(w, e, value, depth, maxDepth);
        break;
      case Op.MESSAGE:
      case Op.WRAPPER:
        if (value === undefined || value === null) {
          if (e.required) fail(e, "required field not set");
          continue;
        }
        writeSingular(w, e, value, depth, maxDepth);
        break;
      case Op.LIST_SCALAR:
      case Op.LIST_ENUM:
      case Op.LIST_MESSAGE:
        if (value === undefined || value === null) continue;
        if (!Array.isArray(value)) fail(e, `expected an array, got ${formatValue(value)}`);
        if (value.length > 0) writeList(w, e, value, depth, maxDepth);
        break;
      case Op.MAP:
        if (value === undefined || value === null) continue;
        if (typeof value !== "object" || Array.isArray(value)) fail(e, `expected an object, got ${formatValue(value)}`);
        writeMap(w, e, value, depth, maxDepth);
        break;
    }
  }
  const unknown = msg.$unknown;
  if (unknown !== undefined && unknown !== null) writeUnknown(w, desc, unknown);
}

// One occurrence of a non-repeated field (also a oneof member).
function writeSingular(w, e, value, depth, maxDepth) {
  switch (e.op) {
    case Op.SCALAR:
      w.tag(e.no, e.wireType);
      writeScalar(w, e, e.scalar, value);
      return;
    case Op.ENUM:
      if (typeof value !== "number" || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
        fail(e, `expected enum ${e.enum.typeName} number, got ${formatValue(value)}`);
      }
      w.tag(e.no, WireType.Varint);
      w.int32(value);
      return;
    case Op.MESSAGE:
      writeMessageField(w, e, value, depth, maxDepth);
      return;
    case Op.WRAPPER: {
      // Unboxed wrapper: write google.protobuf.*Value { value = 1 }. A wrapper
      // message object is accepted as well.
      const inner = isMessage(value, e.message) ? value.value : value;
      w.tag(e.no, WireType.LengthDelimited);
      const start = w.beginDelimited();
      if (inner !== undefined && inner !== null && !isScalarZero(e.scalar, inner)) {
        w.tag(1, scalarWireType(e.scalar));
        writeScalar(w, e, e.scalar, inner);
      }
      w.endDelimited(start);
      return;
    }
  }
}

function writeMessageField(w, e, value, depth, maxDepth) {
  if (typeof value !== "object" || Array.isArray(value)) {
    fail(e, `expected message ${e.message.typeName}, got ${formatValue(value)}`);
  }
  if (typeof value.$typeName === "string" && value.$typeName !== e.message.typeName) {
    fail(e, `expected message ${e.message.typeName}, got message ${value.$typeName}`);
  }
  if (e.delimited) {
    w.tag(e.no, WireType.StartGroup);
    writeMessage(w, e.message, value, depth + 1, maxDepth);
    w.tag(e.no, WireType.EndGroup);
    return;
  }
  w.tag(e.no, WireType.LengthDelimited);
  const start = w.beginDelimited();
  writeMessage(w, e.message, value, depth + 1, maxDepth);
  w.endDelimited(start);
}

function writeList(w, e, list, depth, maxDepth) {
  const n = list.length;
  if (e.op === Op.LIST_MESSAGE) {
    for (let i = 0; i < n; i++) writeMessageField(w, e, list[i], depth, maxDepth);
    return;
  }
  const isEnum = e.op === Op.LIST_ENUM;
  const scalar = isEnum ? ScalarType.INT32 : e.scalar;
  if (isEnum) {
    for (let i = 0; i < n; i++) {
      const v = list[i];
      if (typeof v !== "number" || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
        fail(e, `expected enum ${e.enum.typeName} number at index ${i}, got ${formatValue(v)}`);
      }
    }
  }
  if (e.packed) {
    w.tag(e.no, WireType.LengthDelimited);
    const start = w.beginDelimited();
    for (let i = 0; i < n; i++) writeScalar(w, e, scalar, list[i]);
    w.endDelimited(start);
    return;
  }
  const wt = e.wireType;
  for (let i = 0; i < n; i++) {
    w.tag(e.no, wt);
    writeScalar(w, e, scalar, list[i]);
  }
}

function writeMap(w, e, map, depth, maxDepth) {
  const keyWireType = scalarWireType(e.mapKey);
  for (const key of Object.keys(map)) {
    const value = map[key];
    w.tag(e.no, WireType.LengthDelimited);
    const start = w.beginDelimited();
    w.tag(1, keyWireType);
    writeScalar(w, e, e.mapKey, mapKeyFromString(e, key));
    switch (e.mapKind) {
      case "scalar":
        w.tag(2, scalarWireType(e.scalar));
        writeScalar(w, e, e.scalar, value);
        break;
      case "enum":
        if (typeof value !== "number" || !Number.isInteger(value)) {
          fail(e, `expected enum ${e.enum.typeName} number for key ${JSON.stringify(key)}, got ${formatValue(value)}`);
        }
        w.tag(2, WireType.Varint);
        w.int32(value);
        break;
      case "message": {
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          fail(e, `expected message ${e.message.typeName} for key ${JSON.stringify(key)}, got ${formatValue(value)}`);
        }
        w.tag(2, WireType.LengthDelimited);
        const valueStart = w.beginDelimited();
        writeMessage(w, e.message, value, depth + 1, maxDepth);
        w.endDelimited(valueStart);
        break;
      }
    }
    w.endDelimited(start);
  }
}

// Map keys are object property names (strings); convert back to the key type.
function mapKeyFromString(e, key) {
  switch (e.mapKey) {
    case ScalarType.STRING:
      return key;
    case ScalarType.BOOL:
      if (key === "true") return true;
      if (key === "false") return false;
      break;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      if (/^-?[0-9]+$/.test(key)) return BigInt(key);
      break;
    default:
      if (/^-?[0-9]+$/.test(key)) return Number(key);
  }
  fail(e, `invalid ${scalarLabel(e.mapKey)} map key ${JSON.stringify(key)}`);
}

function writeScalar(w, e, scalar, value) {
  switch (scalar) {
    case ScalarType.STRING:
      if (typeof value !== "string") badScalar(e, scalar, value);
      w.string(value);
      return;
    case ScalarType.INT32:
      if (typeof value !== "number" || (value | 0) !== value) checked(e, scalar, value);
      w.int32(value);
      return;
    case ScalarType.DOUBLE:
      if (typeof value !== "number") badScalar(e, scalar, value);
      w.double(value);
      return;
    case ScalarType.BOOL:
      if (typeof value !== "boolean") badScalar(e, scalar, value);
      w.bool(value);
      return;
    case ScalarType.BYTES: {
      const bytes = value instanceof Uint8Array ? value : checked(e, scalar, value);
      w.bytes(bytes);
      return;
    }
    case ScalarType.FLOAT:
      w.float(checked(e, scalar, value));
      return;
    case ScalarType.UINT32:
      w.uint32(checked(e, scalar, value));
      return;
    case ScalarType.SINT32:
      w.sint32(checked(e, scalar, value));
      return;
    case ScalarType.FIXED32:
      w.fixed32(checked(e, scalar, value));
      return;
    case ScalarType.SFIXED32:
      w.sfixed32(checked(e, scalar, value));
      return;
    case ScalarType.INT64:
    case ScalarType.UINT64:
      w.int64(typeof value === "bigint" ? checked64(e, scalar, value) : checked(e, scalar, value, true));
      return;
    case ScalarType.SINT64:
      w.sint64(typeof value === "bigint" ? checked64(e, scalar, value) : checked(e, scalar, value, true));
      return;
    case ScalarType.FIXED64:
      w.fixed64(typeof value === "bigint" ? checked64(e, scalar, value) : checked(e, scalar, value, true));
      return;
    case ScalarType.SFIXED64:
      w.sfixed64(typeof value === "bigint" ? checked64(e, scalar, value) : checked(e, scalar, value, true));
      return;
  }
}

function checked(e, scalar, value, asBigInt = false) {
  const normalized = normalizeScalar(scalar, value, false);
  if (normalized === INVALID) badScalar(e, scalar, value);
  return asBigInt ? BigInt(normalized) : normalized;
}

function checked64(e, scalar, value) {
  if (normalizeScalar(scalar, value, false) === INVALID) badScalar(e, scalar, value);
  return value;
}

function badScalar(e, scalar, value) {
  fail(e, `expected ${scalarLabel(scalar)}, got ${formatValue(value)}`);
}

function writeUnknown(w, desc, unknown) {
  if (!Array.isArray(unknown)) {
    throw new ProtobufError(`cannot encode ${desc} to binary: $unknown must be an array`);
  }
  for (const uf of unknown) {
    if (uf === null || typeof uf !== "object" || !Number.isInteger(uf.no) || !(uf.data instanceof Uint8Array)) {
      throw new ProtobufError(`cannot encode ${desc} to binary: invalid entry in $unknown`);
    }
    w.tag(uf.no, uf.wireType);
    w.raw(uf.data);
  }
}
