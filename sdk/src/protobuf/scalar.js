// Scalar kinds and wire types. ScalarType numbers are those of
// google.protobuf.FieldDescriptorProto.Type (as in protobuf-es), so a field's
// `scalar` is the raw descriptor value and needs no translation table.

export const ScalarType = Object.freeze({
  DOUBLE: 1,
  FLOAT: 2,
  INT64: 3,
  UINT64: 4,
  INT32: 5,
  FIXED64: 6,
  FIXED32: 7,
  BOOL: 8,
  STRING: 9,
  BYTES: 12,
  UINT32: 13,
  SFIXED32: 15,
  SFIXED64: 16,
  SINT32: 17,
  SINT64: 18,
});

// FieldDescriptorProto.Type values that are not scalars.
export const TYPE_GROUP = 10;
export const TYPE_MESSAGE = 11;
export const TYPE_ENUM = 14;

export const WireType = Object.freeze({
  Varint: 0,
  Bit64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Bit32: 5,
});

const wireTypeNames = ["varint", "64-bit", "length-delimited", "start-group", "end-group", "32-bit"];

export function wireTypeName(wireType) {
  return wireTypeNames[wireType] ?? `invalid(${wireType})`;
}

// Lower-case proto type names, indexed by FieldDescriptorProto.Type.
const typeNames = [
  undefined,
  "double",
  "float",
  "int64",
  "uint64",
  "int32",
  "fixed64",
  "fixed32",
  "bool",
  "string",
  "group",
  "message",
  "bytes",
  "uint32",
  "enum",
  "sfixed32",
  "sfixed64",
  "sint32",
  "sint64",
];

export function protoTypeName(type) {
  return typeNames[type] ?? `type(${type})`;
}

// The wire type a singular value of this scalar kind is written with.
export function scalarWireType(scalar) {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return WireType.Bit64;
    case ScalarType.FLOAT:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return WireType.Bit32;
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    default:
      return WireType.Varint;
  }
}

// The zero value protobuf-es gives an unset implicit-presence scalar.
// `longAsString` follows the field option jstype = JS_STRING.
export function scalarZeroValue(scalar, longAsString) {
  switch (scalar) {
    case ScalarType.STRING:
      return "";
    case ScalarType.BOOL:
      return false;
    case ScalarType.BYTES:
      return new Uint8Array(0);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      return longAsString ? "0" : 0n;
    default:
      return 0;
  }
}

// Is this value the zero value? Used for implicit presence (proto3 "unset").
// -0.0 is not zero: like the C++ runtime we write it, so it survives a round trip.
export function isScalarZero(scalar, value) {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return value === 0 && !Object.is(value, -0);
    case ScalarType.STRING:
      return value === "";
    case ScalarType.BOOL:
      return value === false;
    case ScalarType.BYTES:
      return value instanceof Uint8Array ? value.length === 0 : false;
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.SINT64:
      // 64-bit values may be bigint, or number/string before normalization.
      return value === 0n || value === 0 || value === "0";
    default:
      return value === 0;
  }
}
