// Per-message tables the codecs run on. Built lazily on first use of a message
// type and cached on its descriptor, so decoding a request costs one array (or
// map) lookup per field and a switch on a small integer, with no per-field
// closures or string comparisons.
import { EDITION_PROTO3, FieldPresence } from "./features.js";
import { WireType, scalarWireType, scalarZeroValue } from "./scalar.js";
import { isUnboxedWrapperField } from "./wkt.js";

export const Op = Object.freeze({
  SCALAR: 1,
  ENUM: 2,
  MESSAGE: 3,
  WRAPPER: 4, // singular message field holding an unboxed wrapper value
  LIST_SCALAR: 5,
  LIST_ENUM: 6,
  LIST_MESSAGE: 7,
  MAP: 8,
});

const tableKey = Symbol("protobuf.codecTable");

// Field numbers up to this are looked up in a dense array; beyond, in a Map.
const denseLimit = 2048;

export function codecTable(desc) {
  return desc[tableKey] ?? buildTable(desc);
}

function buildTable(desc) {
  const entries = desc.fields.map(newEntry);
  const sorted = [...entries].sort((a, b) => a.no - b.no);
  const maxNo = sorted.length > 0 ? sorted[sorted.length - 1].no : 0;
  let dense;
  let sparse;
  if (maxNo <= denseLimit) {
    dense = new Array(maxNo + 1).fill(undefined);
    for (const e of entries) dense[e.no] = e;
  } else {
    sparse = new Map(entries.map((e) => [e.no, e]));
  }
  const proto3 = desc.file.edition === EDITION_PROTO3;
  const table = {
    desc,
    entries,
    sorted,
    dense,
    sparse,
    // Outside proto3, unset explicit scalars/enums read their default through
    // the prototype chain, so "is it set" means "is it an own property".
    usesPrototype: !proto3,
    prototype: proto3 ? undefined : buildPrototype(desc, entries),
    // Built on first use by proto-name-aliases.js.
    aliasPrototype: undefined,
    zeroMembers: zeroMembers(desc, entries, proto3),
  };
  Object.defineProperty(desc, tableKey, { value: table, enumerable: false });
  return table;
}

export function entryForNumber(table, no) {
  return table.dense !== undefined ? table.dense[no] : table.sparse.get(no);
}

function newEntry(field) {
  const e = {
    field,
    no: field.number,
    name: field.localName,
    oneof: field.oneof !== undefined ? field.oneof.localName : undefined,
    op: 0,
    scalar: field.scalar,
    wireType: WireType.LengthDelimited,
    presence: field.presence,
    required: field.presence === FieldPresence.LEGACY_REQUIRED,
    packed: field.packed,
    longAsString: field.longAsString,
    message: field.message,
    enum: field.enum,
    closedEnum: field.enum !== undefined && !field.enum.open,
    delimited: field.delimitedEncoding,
    mapKey: field.mapKey,
    mapKind: field.mapKind,
    fullName: `${field.parent.typeName}.${field.name}`,
  };
  switch (field.fieldKind) {
    case "scalar":
      e.op = Op.SCALAR;
      e.wireType = scalarWireType(field.scalar);
      break;
    case "enum":
      e.op = Op.ENUM;
      e.wireType = WireType.Varint;
      break;
    case "message":
      if (isUnboxedWrapperField(field)) {
        e.op = Op.WRAPPER;
        e.scalar = field.message.fields[0].scalar;
        e.longAsString = field.message.fields[0].longAsString;
      } else {
        e.op = Op.MESSAGE;
      }
      e.wireType = field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
      break;
    case "list":
      if (field.listKind === "message") {
        e.op = Op.LIST_MESSAGE;
        e.wireType = field.delimitedEncoding ? WireType.StartGroup : WireType.LengthDelimited;
      } else if (field.listKind === "enum") {
        e.op = Op.LIST_ENUM;
        e.wireType = WireType.Varint;
      } else {
        e.op = Op.LIST_SCALAR;
        e.wireType = scalarWireType(field.scalar);
      }
      break;
    case "map":
      e.op = Op.MAP;
      break;
  }
  return e;
}

// Zero value of a field that lives on the message object itself.
export function zeroValue(e) {
  switch (e.op) {
    case Op.SCALAR:
      return e.field.defaultValue !== undefined ? defaultCopy(e.field.defaultValue) : scalarZeroValue(e.scalar, e.longAsString);
    case Op.ENUM:
      return e.field.defaultValue ?? e.enum.values[0]?.number ?? 0;
    case Op.LIST_SCALAR:
    case Op.LIST_ENUM:
    case Op.LIST_MESSAGE:
      return [];
    case Op.MAP:
      return {};
    default:
      return undefined;
  }
}

function defaultCopy(value) {
  return value instanceof Uint8Array ? value.slice() : value;
}

// What a fresh message gets as own properties, in declaration order (fields
// outside oneofs, and oneofs at their first field), as protobuf-es. Kept as
// parallel arrays so createZeroMessage is a tight loop over small integers.
export const Zero = Object.freeze({ ONEOF: 0, LIST: 1, MAP: 2, CONSTANT: 3, BYTES: 4 });

function zeroMembers(desc, entries, proto3) {
  const byField = new Map(entries.map((e) => [e.field, e]));
  const names = [];
  const kinds = [];
  const constants = [];
  const add = (name, kind, constant) => {
    names.push(name);
    kinds.push(kind);
    constants.push(constant);
  };
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      add(member.localName, Zero.ONEOF, undefined);
      continue;
    }
    const e = byField.get(member);
    switch (e.op) {
      case Op.MESSAGE:
      case Op.WRAPPER:
        continue; // unset message = undefined (absent)
      case Op.LIST_SCALAR:
      case Op.LIST_ENUM:
      case Op.LIST_MESSAGE:
        add(e.name, Zero.LIST, undefined);
        continue;
      case Op.MAP:
        add(e.name, Zero.MAP, undefined);
        continue;
    }
    // proto3: explicit presence = absent; otherwise: default via the prototype
    if (e.presence !== FieldPresence.IMPLICIT) continue;
    const zero = zeroValue(e);
    if (zero instanceof Uint8Array) add(e.name, Zero.BYTES, undefined);
    else add(e.name, Zero.CONSTANT, zero);
  }
  return { names, kinds, constants };
}

function buildPrototype(desc, entries) {
  const prototype = {};
  for (const e of entries) {
    if (e.oneof !== undefined) continue;
    if ((e.op === Op.SCALAR || e.op === Op.ENUM) && e.presence !== FieldPresence.IMPLICIT) {
      prototype[e.name] = zeroValue(e);
    }
  }
  return prototype;
}
