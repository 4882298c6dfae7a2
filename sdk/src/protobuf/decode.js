// Binary → message object, driven by the per-message codec table.
//
// Strictness, where protobuf-es is lenient: a known field arriving with a wire
// type it can never have is an error (protobuf-es would misread it), and every
// length, varint and group is bounds-checked (see BinaryReader). Unknown
// fields are kept in `$unknown` ({no, wireType, data}, as protobuf-es) and
// re-emitted by encodeMessage, so a proxy that decodes and re-encodes loses
// nothing. Values of closed (proto2) enums that the enum does not list are
// unknown fields too, as in the reference implementations.
// `options.protoNameAliases` makes every message (nested ones too) also
// answer to its proto field names (proto-name-aliases.js).
import { BinaryReader } from "./binary-reader.js";
import { ProtobufError } from "./errors.js";
import { Op, codecTable, entryForNumber } from "./field-table.js";
import { defaultMaximumRecursionDepth } from "./limits.js";
import { createZeroMessage } from "./message.js";
import { ScalarType, WireType, scalarWireType, scalarZeroValue, wireTypeName } from "./scalar.js";
import { BinaryWriter } from "./binary-writer.js";
import { setEntry } from "./own-property.js";

export function decodeMessage(desc, bytes, options) {
  if (!(bytes instanceof Uint8Array)) {
    if (bytes instanceof ArrayBuffer) {
      bytes = new Uint8Array(bytes);
    } else {
      throw new ProtobufError(`cannot decode ${desc}: expected Uint8Array, got ${typeof bytes}`);
    }
  } else if (bytes.constructor !== Uint8Array) {
    // A Buffer's subarray() is a Buffer; work on a plain view so bytes fields
    // and unknown-field data come out as plain Uint8Arrays.
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  const reader = new BinaryReader(bytes);
  const maxDepth = options?.maxDepth ?? defaultMaximumRecursionDepth;
  reader.aliases = options?.protoNameAliases === true;
  const msg = createZeroMessage(desc, reader.aliases);
  try {
    readMessage(reader, desc, msg, undefined, maxDepth);
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    // Anything else is a defect here; still report it as a decode failure so
    // that callers only ever see ProtobufError for bad input.
    throw new ProtobufError(`cannot decode ${desc}: ${e?.message ?? e}`, { cause: e });
  }
  return msg;
}

// Reads fields into `msg` until the reader's limit, or, for a group (`group`
// is the group field's table entry), until the matching end-group tag.
function readMessage(reader, desc, msg, group, maxDepth) {
  const groupNo = group !== undefined ? group.no : -1;
  const table = codecTable(desc);
  const outerName = reader.messageName;
  reader.messageName = desc.typeName;
  let unknown;
  for (;;) {
    if (reader.pos >= reader.limit) {
      if (group !== undefined) {
        reader.fieldNo = groupNo;
        reader.fieldName = group.fullName;
        reader.fail("premature end of input: missing end-group tag", reader.pos);
      }
      break;
    }
    const tagPos = reader.pos;
    reader.fieldNo = 0;
    const tag = reader.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) reader.fail(`invalid tag ${tag} (field number 0)`, tagPos);
    if (wt === WireType.EndGroup) {
      if (no === groupNo) break;
      reader.fail(`unexpected end-group tag for field ${no}`, tagPos);
    }
    if (wt > 5) reader.fail(`invalid wire type ${wt} for field ${no}`, tagPos);
    const e = entryForNumber(table, no);
    reader.fieldNo = no;
    if (e === undefined) {
      reader.fieldName = "";
      const data = reader.skip(wt, no, maxDepth);
      (unknown ??= []).push({ no, wireType: wt, data });
      continue;
    }
    reader.fieldName = e.fullName;
    readField(reader, e, wt, msg, tagPos, maxDepth);
    if (e.closedEnum && reader.rejected !== undefined) {
      (unknown ??= []).push(...reader.rejected);
      reader.rejected = undefined;
    }
  }
  if (unknown !== undefined) msg.$unknown = msg.$unknown !== undefined ? msg.$unknown.concat(unknown) : unknown;
  reader.messageName = outerName;
}

function wrongWireType(reader, e, wt, tagPos) {
  const expected = e.wireType;
  throw new ProtobufError(
    `wrong wire type ${wt} (${wireTypeName(wt)}) at offset ${tagPos} for field ${e.no} (${e.fullName}), expected ${expected} (${wireTypeName(expected)})`,
  );
}

function readField(reader, e, wt, msg, tagPos, maxDepth) {
  switch (e.op) {
    case Op.SCALAR: {
      if (wt !== e.wireType) wrongWireType(reader, e, wt, tagPos);
      const value = readScalar(reader, e.scalar, e.longAsString);
      if (e.oneof !== undefined) msg[e.oneof] = { case: e.name, value };
      else msg[e.name] = value;
      return;
    }
    case Op.ENUM: {
      if (wt !== WireType.Varint) wrongWireType(reader, e, wt, tagPos);
      const value = reader.int32();
      if (e.closedEnum && !e.enum.valueByNumber.has(value)) {
        rejectEnumValue(reader, e.no, value);
        return;
      }
      if (e.oneof !== undefined) msg[e.oneof] = { case: e.name, value };
      else msg[e.name] = value;
      return;
    }
    case Op.MESSAGE: {
      if (wt !== e.wireType) wrongWireType(reader, e, wt, tagPos);
      let target;
      if (e.oneof !== undefined) {
        const current = msg[e.oneof];
        // A repeated occurrence of a message field merges into the first.
        target = current !== undefined && current.case === e.name ? current.value : undefined;
        if (target === undefined) {
          target = createZeroMessage(e.message, reader.aliases);
          msg[e.oneof] = { case: e.name, value: target };
        }
      } else {
        target = msg[e.name];
        if (target === undefined) {
          target = createZeroMessage(e.message, reader.aliases);
          msg[e.name] = target;
        }
      }
      readNested(reader, e, target, maxDepth);
      return;
    }
    case Op.WRAPPER: {
      if (wt !== e.wireType) wrongWireType(reader, e, wt, tagPos);
      const wrapper = createZeroMessage(e.message);
      readNested(reader, e, wrapper, maxDepth);
      const value = wrapper.value;
      if (e.oneof !== undefined) msg[e.oneof] = { case: e.name, value };
      else msg[e.name] = value;
      return;
    }
    case Op.LIST_SCALAR:
    case Op.LIST_ENUM: {
      const list = msg[e.name];
      const isEnum = e.op === Op.LIST_ENUM;
      const scalar = isEnum ? ScalarType.INT32 : e.scalar;
      if (wt === WireType.LengthDelimited && e.wireType !== WireType.LengthDelimited) {
        // packed: a run of values without tags
        const end = reader.delimitedEnd();
        const savedLimit = reader.limit;
        reader.limit = end;
        while (reader.pos < end) {
          const value = readScalar(reader, scalar, e.longAsString);
          if (isEnum && e.closedEnum && !e.enum.valueByNumber.has(value)) rejectEnumValue(reader, e.no, value);
          else list.push(value);
        }
        reader.limit = savedLimit;
        return;
      }
      if (wt !== e.wireType) wrongWireType(reader, e, wt, tagPos);
      const value = readScalar(reader, scalar, e.longAsString);
      if (isEnum && e.closedEnum && !e.enum.valueByNumber.has(value)) rejectEnumValue(reader, e.no, value);
      else list.push(value);
      return;
    }
    case Op.LIST_MESSAGE: {
      if (wt !== e.wireType) wrongWireType(reader, e, wt, tagPos);
      const item = createZeroMessage(e.message, reader.aliases);
      readNested(reader, e, item, maxDepth);
      msg[e.name].push(item);
      return;
    }
    case Op.MAP:
      if (wt !== WireType.LengthDelimited) wrongWireType(reader, e, wt, tagPos);
      readMapEntry(reader, e, msg, maxDepth);
      return;
  }
}

// A nested message, length-prefixed or (for groups) delimited by tags.
function readNested(reader, e, target, maxDepth) {
  if (++reader.depth > maxDepth) reader.fail(`messages nested deeper than ${maxDepth} levels`);
  const fieldNo = reader.fieldNo;
  const fieldName = reader.fieldName;
  if (e.delimited) {
    readMessage(reader, e.message, target, e, maxDepth);
  } else {
    const end = reader.delimitedEnd();
    const savedLimit = reader.limit;
    reader.limit = end;
    readMessage(reader, e.message, target, undefined, maxDepth);
    reader.limit = savedLimit;
  }
  reader.fieldNo = fieldNo;
  reader.fieldName = fieldName;
  reader.depth--;
}

// Map entries are messages with key = 1 and value = 2; either may be absent
// (zero value) and other fields are ignored.
function readMapEntry(reader, e, msg, maxDepth) {
  const entryStart = reader.pos;
  const end = reader.delimitedEnd();
  const savedLimit = reader.limit;
  const fieldNo = reader.fieldNo;
  const fieldName = reader.fieldName;
  reader.limit = end;
  let key;
  let value;
  let rejected = false;
  const keyWireType = scalarWireType(e.mapKey);
  while (reader.pos < end) {
    const tagPos = reader.pos;
    reader.fieldNo = 0;
    const tag = reader.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) reader.fail(`invalid tag ${tag} (field number 0) in map entry`, tagPos);
    reader.fieldNo = fieldNo;
    if (no === 1) {
      if (wt !== keyWireType) mapWireTypeError(e, "key", wt, tagPos);
      key = readScalar(reader, e.mapKey, false);
    } else if (no === 2) {
      switch (e.mapKind) {
        case "scalar": {
          const expected = scalarWireType(e.scalar);
          if (wt !== expected) mapWireTypeError(e, "value", wt, tagPos);
          value = readScalar(reader, e.scalar, e.longAsString);
          break;
        }
        case "enum":
          if (wt !== WireType.Varint) mapWireTypeError(e, "value", wt, tagPos);
          value = reader.int32();
          rejected = e.closedEnum && !e.enum.valueByNumber.has(value);
          break;
        case "message": {
          if (wt !== WireType.LengthDelimited) mapWireTypeError(e, "value", wt, tagPos);
          value ??= createZeroMessage(e.message, reader.aliases);
          if (++reader.depth > maxDepth) reader.fail(`messages nested deeper than ${maxDepth} levels`);
          const valueEnd = reader.delimitedEnd();
          reader.limit = valueEnd;
          readMessage(reader, e.message, value, undefined, maxDepth);
          reader.limit = end;
          reader.fieldNo = fieldNo;
          reader.fieldName = fieldName;
          reader.depth--;
          break;
        }
      }
    } else {
      reader.skip(wt, no, maxDepth);
    }
  }
  reader.limit = savedLimit;
  if (rejected) {
    // The whole entry becomes an unknown field, as in the C++ runtime.
    (reader.rejected ??= []).push({ no: e.no, wireType: WireType.LengthDelimited, data: reader.buf.slice(entryStart, end) });
    return;
  }
  setEntry(
    msg[e.name],
    mapKeyToString(key ?? scalarZeroValue(e.mapKey, false)),
    value ??
      (e.mapKind === "message"
        ? createZeroMessage(e.message, reader.aliases)
        : e.mapKind === "enum"
          ? (e.enum.values[0]?.number ?? 0)
          : scalarZeroValue(e.scalar, e.longAsString)),
  );
}

function mapWireTypeError(e, part, wt, tagPos) {
  throw new ProtobufError(
    `wrong wire type ${wt} (${wireTypeName(wt)}) at offset ${tagPos} for the ${part} of map field ${e.no} (${e.fullName})`,
  );
}

// Map keys are object property names: protobuf-es stringifies int and bool keys.
export function mapKeyToString(key) {
  return typeof key === "string" ? key : String(key);
}

// A closed-enum value the enum does not list: re-encode it as an unknown varint.
function rejectEnumValue(reader, no, value) {
  const w = new BinaryWriter();
  w.int32(value);
  (reader.rejected ??= []).push({ no, wireType: WireType.Varint, data: w.finish() });
}

export function readScalar(reader, scalar, longAsString) {
  switch (scalar) {
    case ScalarType.STRING:
      return reader.string();
    case ScalarType.BOOL:
      return reader.bool();
    case ScalarType.DOUBLE:
      return reader.double();
    case ScalarType.FLOAT:
      return reader.float();
    case ScalarType.INT32:
      return reader.int32();
    case ScalarType.UINT32:
      return reader.uint32();
    case ScalarType.SINT32:
      return reader.sint32();
    case ScalarType.FIXED32:
      return reader.fixed32();
    case ScalarType.SFIXED32:
      return reader.sfixed32();
    case ScalarType.BYTES:
      return reader.bytes();
    case ScalarType.INT64:
      return longAsString ? reader.int64().toString() : reader.int64();
    case ScalarType.UINT64:
      return longAsString ? reader.uint64().toString() : reader.uint64();
    case ScalarType.SINT64:
      return longAsString ? reader.sint64().toString() : reader.sint64();
    case ScalarType.FIXED64:
      return longAsString ? reader.fixed64().toString() : reader.fixed64();
    case ScalarType.SFIXED64:
      return longAsString ? reader.sfixed64().toString() : reader.sfixed64();
  }
  throw new ProtobufError(`unsupported scalar type ${scalar}`);
}
