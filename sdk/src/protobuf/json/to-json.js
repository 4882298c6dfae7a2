// Message object → ProtoJSON value, with the protobuf-es toJson defaults the
// SPEC prescribes for Connect, MCP and CLI output: json-name keys in field
// number order, fields without presence omitted at their zero value, 64-bit
// ints as strings, enums by name, bytes as standard base64, well-known types
// in their special forms. Options: useProtoFieldName, emitDefaultValues
// (protobuf-es alwaysEmitImplicit, also accepted under that name),
// enumAsInteger, registry (for Any; defaults to the descriptor's registry).
import { ProtobufError, formatValue } from "../errors.js";
import { FieldPresence } from "../features.js";
import { Op, codecTable, zeroValue } from "../field-table.js";
import { defaultMaximumRecursionDepth } from "../limits.js";
import { decodeMessage } from "../decode.js";
import { isEntrySet } from "../message.js";
import { INVALID, scalarLabel } from "../scalar-check.js";
import { isWrapperDesc, wktNames } from "../wkt.js";
import { scalarToJson } from "./scalar-json.js";
import { WktError, durationToJson, fieldMaskToJson, timestampToJson } from "./wkt-json.js";
import { setEntry } from "../own-property.js";

export function toJson(desc, message, options) {
  const opts = {
    useProtoFieldName: options?.useProtoFieldName === true,
    emitDefaultValues: options?.emitDefaultValues === true || options?.alwaysEmitImplicit === true,
    enumAsInteger: options?.enumAsInteger === true,
    registry: options?.registry ?? desc.file?.registry,
    maxDepth: options?.maxDepth ?? defaultMaximumRecursionDepth,
  };
  try {
    return writeMessage(desc, message, opts, 0);
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufError(`cannot encode message ${desc.typeName} to JSON: ${e?.message ?? e}`, { cause: e });
  }
}

export function toJsonString(desc, message, options) {
  return JSON.stringify(toJson(desc, message, options), null, options?.prettySpaces ?? 0);
}

function messageError(desc, problem) {
  return new ProtobufError(`cannot encode message ${desc.typeName} to JSON: ${problem}`);
}

function fieldError(e, problem) {
  return new ProtobufError(`cannot encode field ${e.fullName} to JSON: ${problem}`);
}

function writeMessage(desc, msg, opts, depth) {
  if (depth > opts.maxDepth) throw messageError(desc, `nested deeper than ${opts.maxDepth} levels`);
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) {
    throw messageError(desc, `expected a message object, got ${formatValue(msg)}`);
  }
  if (typeof msg.$typeName === "string" && msg.$typeName !== desc.typeName) {
    throw messageError(desc, `got a message of type ${msg.$typeName}`);
  }
  if (desc.typeName.startsWith("google.protobuf.")) {
    const wkt = writeWkt(desc, msg, opts, depth);
    if (wkt !== undefined) return wkt;
  }
  const table = codecTable(desc);
  const json = {};
  for (const e of table.sorted) {
    let value;
    if (e.oneof !== undefined) {
      const adt = msg[e.oneof];
      if (adt === undefined || adt === null || adt.case !== e.name) continue;
      value = adt.value;
    } else if (isEntrySet(table, e, msg)) {
      value = msg[e.name];
    } else {
      if (e.required) throw fieldError(e, "required field not set");
      if (!opts.emitDefaultValues || e.presence !== FieldPresence.IMPLICIT) continue;
      value = zeroValue(e);
    }
    json[opts.useProtoFieldName ? e.field.name : e.field.jsonName] = writeField(e, value, opts, depth);
  }
  return json;
}

function writeField(e, value, opts, depth) {
  switch (e.op) {
    case Op.SCALAR:
    case Op.WRAPPER:
      return writeScalar(e, e.scalar, value);
    case Op.ENUM:
      return writeEnum(e, value, opts);
    case Op.MESSAGE:
      return writeMessage(e.message, value, opts, depth + 1);
    case Op.LIST_SCALAR:
    case Op.LIST_ENUM:
    case Op.LIST_MESSAGE: {
      if (!Array.isArray(value)) throw fieldError(e, `expected an array, got ${formatValue(value)}`);
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        out[i] =
          e.op === Op.LIST_SCALAR
            ? writeScalar(e, e.scalar, item)
            : e.op === Op.LIST_ENUM
              ? writeEnum(e, item, opts)
              : writeMessage(e.message, item, opts, depth + 1);
      }
      return out;
    }
    case Op.MAP: {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw fieldError(e, `expected an object, got ${formatValue(value)}`);
      }
      const out = {};
      for (const key of Object.keys(value)) {
        const item = value[key];
        setEntry(
          out,
          key,
          e.mapKind === "scalar"
            ? writeScalar(e, e.scalar, item)
            : e.mapKind === "enum"
              ? writeEnum(e, item, opts)
              : writeMessage(e.message, item, opts, depth + 1),
        );
      }
      return out;
    }
  }
  return undefined;
}

function writeScalar(e, scalar, value) {
  const json = scalarToJson(scalar, value);
  if (json === INVALID) throw fieldError(e, `expected ${scalarLabel(scalar)}, got ${formatValue(value)}`);
  return json;
}

// Enum name, or the number for values the enum does not list; NullValue is null.
function writeEnum(e, value, opts) {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw fieldError(e, `expected enum ${e.enum.typeName} number, got ${formatValue(value)}`);
  }
  if (e.enum.typeName === wktNames.NullValue) return null;
  if (opts.enumAsInteger) return value;
  return e.enum.valueByNumber.get(value)?.name ?? value;
}

function writeWkt(desc, msg, opts, depth) {
  try {
    switch (desc.typeName) {
      case wktNames.Timestamp:
        return timestampToJson(msg.seconds ?? 0n, msg.nanos ?? 0);
      case wktNames.Duration:
        return durationToJson(msg.seconds ?? 0n, msg.nanos ?? 0);
      case wktNames.FieldMask:
        return fieldMaskToJson(msg.paths ?? []);
      case wktNames.Struct:
        return writeStruct(desc, msg, opts, depth);
      case wktNames.Value:
        return writeValue(desc, msg, opts, depth);
      case wktNames.ListValue:
        return writeListValue(desc, msg, opts, depth);
      case wktNames.Any:
        return writeAny(desc, msg, opts, depth);
    }
  } catch (e) {
    if (e instanceof WktError) throw messageError(desc, e.message);
    throw e;
  }
  if (isWrapperDesc(desc)) {
    const e = codecTable(desc).entries[0];
    return writeScalar(e, e.scalar, msg.value ?? zeroValue(e));
  }
  return undefined;
}

function writeStruct(desc, msg, opts, depth) {
  const valueDesc = desc.fields[0].message;
  const json = {};
  const fields = msg.fields ?? {};
  for (const key of Object.keys(fields)) setEntry(json, key, writeValue(valueDesc, fields[key], opts, depth + 1));
  return json;
}

function writeValue(desc, msg, opts, depth) {
  if (depth > opts.maxDepth) throw messageError(desc, `nested deeper than ${opts.maxDepth} levels`);
  const kind = msg?.kind;
  switch (kind?.case) {
    case "nullValue":
      return null;
    case "numberValue":
      if (typeof kind.value !== "number" || !Number.isFinite(kind.value)) {
        throw messageError(desc, "numberValue must be a finite number (JSON has no NaN or Infinity)");
      }
      return kind.value;
    case "stringValue":
      if (typeof kind.value !== "string") throw messageError(desc, `stringValue must be a string, got ${formatValue(kind.value)}`);
      return kind.value;
    case "boolValue":
      if (typeof kind.value !== "boolean") throw messageError(desc, `boolValue must be a boolean, got ${formatValue(kind.value)}`);
      return kind.value;
    case "structValue":
      return writeStruct(desc.fields.find((f) => f.name === "struct_value").message, kind.value, opts, depth + 1);
    case "listValue":
      return writeListValue(desc.fields.find((f) => f.name === "list_value").message, kind.value, opts, depth + 1);
    default:
      throw messageError(desc, "google.protobuf.Value must have a value");
  }
}

function writeListValue(desc, msg, opts, depth) {
  const valueDesc = desc.fields[0].message;
  return (msg?.values ?? []).map((v) => writeValue(valueDesc, v, opts, depth + 1));
}

// As protobuf-es: the unpacked message's fields plus "@type" (last); for
// google.protobuf.* types and non-object JSON forms, {"value": …, "@type": …}.
function writeAny(desc, msg, opts, depth) {
  const typeUrl = msg.typeUrl ?? "";
  if (typeUrl === "") return {};
  const typeName = typeUrl.substring(typeUrl.lastIndexOf("/") + 1);
  const inner = opts.registry?.getMessage(typeName);
  if (inner === undefined) throw messageError(desc, `"${typeUrl}" is not in the type registry`);
  const value = decodeMessage(inner, msg.value ?? new Uint8Array(0));
  let json = writeMessage(inner, value, opts, depth + 1);
  if (inner.typeName.startsWith("google.protobuf.") || json === null || Array.isArray(json) || typeof json !== "object") {
    json = { value: json };
  }
  json["@type"] = typeUrl;
  return json;
}
