// ProtoJSON → message object (strict, as the Connect and MCP front ends and
// the business CLI need): keys by json name or proto name, unknown keys are
// errors unless `ignoreUnknownFields`, values must have their ProtoJSON types,
// and well-known types take their special forms. `google.protobuf.Any`
// resolves type URLs through `options.registry`, by default the registry the
// descriptor came from. `options.protoNameAliases` gives the messages the
// proto-name aliases handlers see (proto-name-aliases.js).
import { encodeMessage } from "../encode.js";
import { ProtobufError, formatValue } from "../errors.js";
import { FieldPresence } from "../features.js";
import { Op, codecTable } from "../field-table.js";
import { defaultMaximumRecursionDepth } from "../limits.js";
import { createZeroMessage } from "../message.js";
import { INVALID, scalarLabel } from "../scalar-check.js";
import { scalarZeroValue } from "../scalar.js";
import { isWrapperDesc, wktNames } from "../wkt.js";
import { jsonNameTable } from "./json-names.js";
import { mapKeyFromJson, scalarFromJson } from "./scalar-json.js";
import { WktError, durationFromJson, fieldMaskFromJson, timestampFromJson } from "./wkt-json.js";
import { setEntry } from "../own-property.js";

export function fromJson(desc, json, options) {
  const opts = {
    ignoreUnknownFields: options?.ignoreUnknownFields === true,
    registry: options?.registry ?? desc.file?.registry,
    maxDepth: options?.maxDepth ?? defaultMaximumRecursionDepth,
    aliases: options?.protoNameAliases === true,
  };
  try {
    return readMessage(desc, json, opts, 0);
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufError(`cannot decode message ${desc.typeName} from JSON: ${e?.message ?? e}`, { cause: e });
  }
}

export function fromJsonString(desc, text, options) {
  if (typeof text !== "string") {
    throw new ProtobufError(`cannot decode message ${desc.typeName} from JSON: expected a string, got ${formatValue(text)}`);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProtobufError(`cannot decode message ${desc.typeName} from JSON: ${e.message}`, { cause: e });
  }
  return fromJson(desc, json, options);
}

function messageError(desc, problem) {
  return new ProtobufError(`cannot decode message ${desc.typeName} from JSON: ${problem}`);
}

function fieldError(e, problem) {
  return new ProtobufError(`cannot decode field ${e.fullName} from JSON: ${problem}`);
}

function readMessage(desc, json, opts, depth) {
  if (depth > opts.maxDepth) throw messageError(desc, `nested deeper than ${opts.maxDepth} levels`);
  if (desc.typeName.startsWith("google.protobuf.")) {
    const wkt = readWkt(desc, json, opts, depth);
    if (wkt !== undefined) return wkt;
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw messageError(desc, `expected a JSON object, got ${formatValue(json)}`);
  }
  const msg = createZeroMessage(desc, opts.aliases);
  const names = jsonNameTable(desc);
  let oneofSeen;
  for (const key of Object.keys(json)) {
    const value = json[key];
    const e = names.get(key);
    if (e === undefined) {
      if (opts.ignoreUnknownFields) continue;
      throw messageError(desc, `key "${key}" is unknown`);
    }
    if (e.oneof !== undefined) {
      // A null oneof member counts as absent (conformance OneofFieldNull*),
      // except where null is a value (google.protobuf.Value / NullValue).
      if (value === null && !nullIsValue(e)) continue;
      oneofSeen ??= new Map();
      const seen = oneofSeen.get(e.oneof);
      if (seen !== undefined && seen !== e) {
        throw messageError(desc, `oneof ${e.oneof} set multiple times, by "${seen.field.name}" and "${e.field.name}"`);
      }
      oneofSeen.set(e.oneof, e);
      const v = readSingular(e, value, opts, depth);
      if (v !== undefined) msg[e.oneof] = { case: e.name, value: v };
      continue;
    }
    switch (e.op) {
      case Op.SCALAR:
      case Op.ENUM:
      case Op.MESSAGE:
      case Op.WRAPPER: {
        const v = readSingular(e, value, opts, depth);
        if (v === undefined) clearField(msg, e);
        else msg[e.name] = v;
        break;
      }
      case Op.LIST_SCALAR:
      case Op.LIST_ENUM:
      case Op.LIST_MESSAGE:
        if (value !== null) msg[e.name] = readList(e, value, opts, depth);
        break;
      case Op.MAP:
        if (value !== null) msg[e.name] = readMap(e, value, opts, depth);
        break;
    }
  }
  return msg;
}

function nullIsValue(e) {
  return (
    (e.op === Op.MESSAGE && e.message.typeName === wktNames.Value) ||
    (e.op === Op.ENUM && e.enum.typeName === wktNames.NullValue)
  );
}

// JSON null on a singular field resets it: zero value for implicit presence,
// absent for explicit presence.
function clearField(msg, e) {
  if ((e.op === Op.SCALAR || e.op === Op.ENUM) && e.presence === FieldPresence.IMPLICIT) {
    msg[e.name] = e.op === Op.ENUM ? 0 : scalarZeroValue(e.scalar, e.longAsString);
  } else if (Object.hasOwn(msg, e.name)) {
    delete msg[e.name];
  }
}

// Value of a singular field or oneof member; undefined means "unset" (null,
// or an unknown enum name under ignoreUnknownFields).
function readSingular(e, json, opts, depth) {
  switch (e.op) {
    case Op.SCALAR:
      if (json === null) return undefined;
      return readScalar(e, e.scalar, json, e.longAsString);
    case Op.ENUM:
      return readEnum(e, json, opts, false);
    case Op.WRAPPER:
      if (json === null) return undefined;
      return readScalar(e, e.scalar, json, e.longAsString);
    case Op.MESSAGE:
      if (json === null && e.message.typeName !== wktNames.Value) return undefined;
      return readMessage(e.message, json, opts, depth + 1);
  }
  return undefined;
}

function readScalar(e, scalar, json, longAsString) {
  const v = scalarFromJson(scalar, json, longAsString);
  if (v === INVALID) throw fieldError(e, `invalid ${scalarLabel(scalar)} value ${formatValue(json)}`);
  return v;
}

const ignoredEnum = Symbol("ignored enum value");

// Enum by value name or number. For list items and map values, null is the
// first enum value; for singular fields it means unset (undefined).
function readEnum(e, json, opts, inCollection) {
  const desc = e.enum;
  if (json === null) {
    if (desc.typeName === wktNames.NullValue) return 0;
    return inCollection ? (desc.values[0]?.number ?? 0) : undefined;
  }
  if (typeof json === "number") {
    if (Number.isInteger(json) && json >= -0x80000000 && json <= 0x7fffffff) {
      if (desc.open || desc.valueByNumber.has(json)) return json;
      if (opts.ignoreUnknownFields) return inCollection ? ignoredEnum : undefined;
      throw fieldError(e, `${json} is not a value of closed enum ${desc.typeName}`);
    }
  } else if (typeof json === "string") {
    const value = desc.valueByName.get(json);
    if (value !== undefined) return value.number;
    if (opts.ignoreUnknownFields) return inCollection ? ignoredEnum : undefined;
    throw fieldError(e, `unknown value ${JSON.stringify(json)} for enum ${desc.typeName}`);
  }
  throw fieldError(e, `invalid value ${formatValue(json)} for enum ${desc.typeName}`);
}

function readList(e, json, opts, depth) {
  if (!Array.isArray(json)) throw fieldError(e, `expected an array, got ${formatValue(json)}`);
  const list = [];
  for (const item of json) {
    switch (e.op) {
      case Op.LIST_SCALAR:
        if (item === null) throw fieldError(e, "list item must not be null");
        list.push(readScalar(e, e.scalar, item, e.longAsString));
        break;
      case Op.LIST_ENUM: {
        if (item === null && e.enum.typeName !== wktNames.NullValue) throw fieldError(e, "list item must not be null");
        const v = readEnum(e, item, opts, true);
        if (v !== ignoredEnum) list.push(v);
        break;
      }
      case Op.LIST_MESSAGE:
        if (item === null && e.message.typeName !== wktNames.Value) throw fieldError(e, "list item must not be null");
        list.push(readMessage(e.message, item, opts, depth + 1));
        break;
    }
  }
  return list;
}

function readMap(e, json, opts, depth) {
  if (typeof json !== "object" || Array.isArray(json)) throw fieldError(e, `expected an object, got ${formatValue(json)}`);
  const map = {};
  for (const key of Object.keys(json)) {
    const value = json[key];
    const mapKey = mapKeyFromJson(e.mapKey, key);
    if (mapKey === INVALID) throw fieldError(e, `invalid ${scalarLabel(e.mapKey)} map key ${JSON.stringify(key)}`);
    switch (e.mapKind) {
      case "scalar":
        if (value === null) throw fieldError(e, "map value must not be null");
        setEntry(map, mapKey, readScalar(e, e.scalar, value, e.longAsString));
        break;
      case "enum": {
        if (value === null && e.enum.typeName !== wktNames.NullValue) throw fieldError(e, "map value must not be null");
        const v = readEnum(e, value, opts, true);
        if (v !== ignoredEnum) setEntry(map, mapKey, v);
        break;
      }
      case "message":
        if (value === null && e.message.typeName !== wktNames.Value) throw fieldError(e, "map value must not be null");
        setEntry(map, mapKey, readMessage(e.message, value, opts, depth + 1));
        break;
    }
  }
  return map;
}

// Well-known types with a special JSON form; undefined for the others
// (Empty and friends are ordinary messages in JSON).
function readWkt(desc, json, opts, depth) {
  try {
    switch (desc.typeName) {
      case wktNames.Timestamp: {
        const msg = createZeroMessage(desc, opts.aliases);
        Object.assign(msg, timestampFromJson(json));
        return msg;
      }
      case wktNames.Duration: {
        const msg = createZeroMessage(desc, opts.aliases);
        Object.assign(msg, durationFromJson(json));
        return msg;
      }
      case wktNames.FieldMask: {
        const msg = createZeroMessage(desc, opts.aliases);
        msg.paths = fieldMaskFromJson(json);
        return msg;
      }
      case wktNames.Struct:
        return readStruct(desc, json, opts, depth);
      case wktNames.Value:
        return readValue(desc, json, opts, depth);
      case wktNames.ListValue:
        return readListValue(desc, json, opts, depth);
      case wktNames.Any:
        return readAny(desc, json, opts, depth);
    }
  } catch (e) {
    if (e instanceof WktError) throw messageError(desc, e.message);
    throw e;
  }
  if (isWrapperDesc(desc)) {
    const msg = createZeroMessage(desc, opts.aliases);
    if (json !== null) {
      const e = codecTable(desc).entries[0];
      msg.value = readScalar(e, e.scalar, json, e.longAsString);
    }
    return msg;
  }
  return undefined;
}

function readStruct(desc, json, opts, depth) {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw messageError(desc, `expected a JSON object, got ${formatValue(json)}`);
  }
  const valueDesc = desc.fields[0].message;
  const msg = createZeroMessage(desc, opts.aliases);
  for (const key of Object.keys(json)) setEntry(msg.fields, key, readValue(valueDesc, json[key], opts, depth + 1));
  return msg;
}

function readValue(desc, json, opts, depth) {
  if (depth > opts.maxDepth) throw messageError(desc, `nested deeper than ${opts.maxDepth} levels`);
  const msg = createZeroMessage(desc, opts.aliases);
  const member = (name) => desc.fields.find((f) => f.name === name);
  switch (typeof json) {
    case "number":
      if (!Number.isFinite(json)) throw messageError(desc, `${json} is not a JSON number`);
      msg.kind = { case: "numberValue", value: json };
      break;
    case "string":
      msg.kind = { case: "stringValue", value: json };
      break;
    case "boolean":
      msg.kind = { case: "boolValue", value: json };
      break;
    case "object":
      if (json === null) {
        msg.kind = { case: "nullValue", value: 0 };
      } else if (Array.isArray(json)) {
        msg.kind = { case: "listValue", value: readListValue(member("list_value").message, json, opts, depth + 1) };
      } else {
        msg.kind = { case: "structValue", value: readStruct(member("struct_value").message, json, opts, depth + 1) };
      }
      break;
    default:
      throw messageError(desc, `unsupported value ${formatValue(json)}`);
  }
  return msg;
}

function readListValue(desc, json, opts, depth) {
  if (!Array.isArray(json)) throw messageError(desc, `expected a JSON array, got ${formatValue(json)}`);
  const valueDesc = desc.fields[0].message;
  const msg = createZeroMessage(desc, opts.aliases);
  for (const item of json) msg.values.push(readValue(valueDesc, item, opts, depth + 1));
  return msg;
}

// {"@type": "type.googleapis.com/pkg.Msg", ...fields} or, for well-known
// types with special forms, {"@type": …, "value": <special form>}.
function readAny(desc, json, opts, depth) {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw messageError(desc, `expected a JSON object, got ${formatValue(json)}`);
  }
  const msg = createZeroMessage(desc, opts.aliases);
  if (Object.keys(json).length === 0) return msg;
  const typeUrl = json["@type"];
  if (typeof typeUrl !== "string" || typeUrl === "") throw messageError(desc, `"@type" is empty`);
  const typeName = typeUrl.substring(typeUrl.lastIndexOf("/") + 1);
  if (typeName === "") throw messageError(desc, `"@type" is invalid`);
  const inner = opts.registry?.getMessage(typeName);
  if (inner === undefined) throw messageError(desc, `${typeUrl} is not in the type registry`);
  let value;
  // As protobuf-es: every google.protobuf.* type may be given as {"@type", "value"}.
  if (typeName.startsWith("google.protobuf.") && Object.hasOwn(json, "value")) {
    value = readMessage(inner, json.value, opts, depth + 1);
  } else {
    const copy = { ...json };
    delete copy["@type"];
    value = readMessage(inner, copy, opts, depth + 1);
  }
  msg.typeUrl = typeUrl;
  msg.value = encodeMessage(inner, value);
  return msg;
}
