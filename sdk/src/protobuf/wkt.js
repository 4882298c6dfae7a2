// Well-known types that change shape: wrappers are unboxed in message objects
// (protobuf-es v2), and several WKTs have special ProtoJSON forms.

const wrapperNames = new Set([
  "google.protobuf.DoubleValue",
  "google.protobuf.FloatValue",
  "google.protobuf.Int64Value",
  "google.protobuf.UInt64Value",
  "google.protobuf.Int32Value",
  "google.protobuf.UInt32Value",
  "google.protobuf.BoolValue",
  "google.protobuf.StringValue",
  "google.protobuf.BytesValue",
]);

// A google.protobuf.*Value wrapper whose single field `value` (number 1) is a scalar.
export function isWrapperDesc(desc) {
  if (!wrapperNames.has(desc.typeName)) return false;
  const f = desc.fields[0];
  return desc.fields.length === 1 && f !== undefined && f.number === 1 && f.fieldKind === "scalar";
}

// Singular message fields (also oneof members) of a wrapper type hold the bare
// value: `int32_value: google.protobuf.Int32Value` reads as `number | undefined`.
// Lists and maps of wrappers stay messages, as in protobuf-es.
export function isUnboxedWrapperField(field) {
  return field.fieldKind === "message" && isWrapperDesc(field.message);
}

export const wktNames = Object.freeze({
  Any: "google.protobuf.Any",
  Timestamp: "google.protobuf.Timestamp",
  Duration: "google.protobuf.Duration",
  FieldMask: "google.protobuf.FieldMask",
  Struct: "google.protobuf.Struct",
  Value: "google.protobuf.Value",
  ListValue: "google.protobuf.ListValue",
  NullValue: "google.protobuf.NullValue",
  Empty: "google.protobuf.Empty",
});
