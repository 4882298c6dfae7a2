// google/protobuf/descriptor.proto, just enough of it to decode a
// FileDescriptorSet, written as a FileDescriptorProto-shaped object.
//
// Why: the registry decodes descriptor sets with the same generic decoder that
// decodes user messages, so it needs descriptors *for* descriptor.proto before
// it has any. This table breaks that cycle. Enum-typed fields are declared as
// int32: the decoder then keeps every number (closed enums would shunt values
// it does not list into unknown fields) and the decoded objects carry plain
// numbers, exactly as protobuf-es represents enums. Fields that are absent here
// (rare options, custom options) end up in `$unknown` of the options message.

const OPTIONAL = 1;
const REPEATED = 3;
const T = { int32: 5, int64: 3, uint64: 4, double: 1, bool: 8, string: 9, bytes: 12, message: 11 };

// One FieldDescriptorProto; typeName is relative to google.protobuf.
function f(name, number, type, label = OPTIONAL, typeName) {
  const field = { name, number, label, type: T[type] };
  if (typeName !== undefined) field.typeName = ".google.protobuf." + typeName;
  return field;
}
const rep = (name, number, type, typeName) => f(name, number, type, REPEATED, typeName);
const msg = (name, fields, nestedType = []) => ({ name, field: fields, nestedType });

const featureSet = msg("FeatureSet", [
  f("field_presence", 1, "int32"),
  f("enum_type", 2, "int32"),
  f("repeated_field_encoding", 3, "int32"),
  f("utf8_validation", 4, "int32"),
  f("message_encoding", 5, "int32"),
  f("json_format", 6, "int32"),
]);

export const descriptorProtoBootstrap = {
  name: "google/protobuf/descriptor.proto",
  package: "google.protobuf",
  syntax: "proto2",
  messageType: [
    msg("FileDescriptorSet", [rep("file", 1, "message", "FileDescriptorProto")]),
    msg("FileDescriptorProto", [
      f("name", 1, "string"),
      f("package", 2, "string"),
      rep("dependency", 3, "string"),
      rep("public_dependency", 10, "int32"),
      rep("weak_dependency", 11, "int32"),
      rep("message_type", 4, "message", "DescriptorProto"),
      rep("enum_type", 5, "message", "EnumDescriptorProto"),
      rep("service", 6, "message", "ServiceDescriptorProto"),
      rep("extension", 7, "message", "FieldDescriptorProto"),
      f("options", 8, "message", OPTIONAL, "FileOptions"),
      f("source_code_info", 9, "message", OPTIONAL, "SourceCodeInfo"),
      f("syntax", 12, "string"),
      f("edition", 14, "int32"),
    ]),
    msg(
      "DescriptorProto",
      [
        f("name", 1, "string"),
        rep("field", 2, "message", "FieldDescriptorProto"),
        rep("extension", 6, "message", "FieldDescriptorProto"),
        rep("nested_type", 3, "message", "DescriptorProto"),
        rep("enum_type", 4, "message", "EnumDescriptorProto"),
        rep("extension_range", 5, "message", "DescriptorProto.ExtensionRange"),
        rep("oneof_decl", 8, "message", "OneofDescriptorProto"),
        f("options", 7, "message", OPTIONAL, "MessageOptions"),
        rep("reserved_range", 9, "message", "DescriptorProto.ReservedRange"),
        rep("reserved_name", 10, "string"),
      ],
      [
        msg("ExtensionRange", [
          f("start", 1, "int32"),
          f("end", 2, "int32"),
          f("options", 3, "message", OPTIONAL, "ExtensionRangeOptions"),
        ]),
        msg("ReservedRange", [f("start", 1, "int32"), f("end", 2, "int32")]),
      ],
    ),
    msg("ExtensionRangeOptions", [f("features", 50, "message", OPTIONAL, "FeatureSet")]),
    msg("FieldDescriptorProto", [
      f("name", 1, "string"),
      f("number", 3, "int32"),
      f("label", 4, "int32"),
      f("type", 5, "int32"),
      f("type_name", 6, "string"),
      f("extendee", 2, "string"),
      f("default_value", 7, "string"),
      f("oneof_index", 9, "int32"),
      f("json_name", 10, "string"),
      f("options", 8, "message", OPTIONAL, "FieldOptions"),
      f("proto3_optional", 17, "bool"),
    ]),
    msg("OneofDescriptorProto", [f("name", 1, "string"), f("options", 2, "message", OPTIONAL, "OneofOptions")]),
    msg(
      "EnumDescriptorProto",
      [
        f("name", 1, "string"),
        rep("value", 2, "message", "EnumValueDescriptorProto"),
        f("options", 3, "message", OPTIONAL, "EnumOptions"),
        rep("reserved_range", 4, "message", "EnumDescriptorProto.EnumReservedRange"),
        rep("reserved_name", 5, "string"),
      ],
      [msg("EnumReservedRange", [f("start", 1, "int32"), f("end", 2, "int32")])],
    ),
    msg("EnumValueDescriptorProto", [
      f("name", 1, "string"),
      f("number", 2, "int32"),
      f("options", 3, "message", OPTIONAL, "EnumValueOptions"),
    ]),
    msg("ServiceDescriptorProto", [
      f("name", 1, "string"),
      rep("method", 2, "message", "MethodDescriptorProto"),
      f("options", 3, "message", OPTIONAL, "ServiceOptions"),
    ]),
    msg("MethodDescriptorProto", [
      f("name", 1, "string"),
      f("input_type", 2, "string"),
      f("output_type", 3, "string"),
      f("options", 4, "message", OPTIONAL, "MethodOptions"),
      f("client_streaming", 5, "bool"),
      f("server_streaming", 6, "bool"),
    ]),
    msg("FileOptions", [
      f("java_package", 1, "string"),
      f("java_outer_classname", 8, "string"),
      f("java_multiple_files", 10, "bool"),
      f("optimize_for", 9, "int32"),
      f("go_package", 11, "string"),
      f("cc_enable_arenas", 31, "bool"),
      f("objc_class_prefix", 36, "string"),
      f("csharp_namespace", 37, "string"),
      f("swift_prefix", 39, "string"),
      f("php_namespace", 41, "string"),
      f("ruby_package", 45, "string"),
      f("deprecated", 23, "bool"),
      f("features", 50, "message", OPTIONAL, "FeatureSet"),
    ]),
    msg("MessageOptions", [
      f("message_set_wire_format", 1, "bool"),
      f("no_standard_descriptor_accessor", 2, "bool"),
      f("deprecated", 3, "bool"),
      f("map_entry", 7, "bool"),
      f("features", 12, "message", OPTIONAL, "FeatureSet"),
    ]),
    msg("FieldOptions", [
      f("ctype", 1, "int32"),
      f("packed", 2, "bool"),
      f("jstype", 6, "int32"),
      f("lazy", 5, "bool"),
      f("unverified_lazy", 15, "bool"),
      f("deprecated", 3, "bool"),
      f("weak", 10, "bool"),
      f("debug_redact", 16, "bool"),
      f("retention", 17, "int32"),
      rep("targets", 19, "int32"),
      f("features", 21, "message", OPTIONAL, "FeatureSet"),
    ]),
    msg("OneofOptions", [f("features", 1, "message", OPTIONAL, "FeatureSet")]),
    msg("EnumOptions", [
      f("allow_alias", 2, "bool"),
      f("deprecated", 3, "bool"),
      f("features", 7, "message", OPTIONAL, "FeatureSet"),
    ]),
    msg("EnumValueOptions", [
      f("deprecated", 1, "bool"),
      f("features", 2, "message", OPTIONAL, "FeatureSet"),
      f("debug_redact", 3, "bool"),
    ]),
    msg("ServiceOptions", [f("deprecated", 33, "bool"), f("features", 34, "message", OPTIONAL, "FeatureSet")]),
    msg("MethodOptions", [
      f("deprecated", 33, "bool"),
      f("idempotency_level", 34, "int32"),
      f("features", 35, "message", OPTIONAL, "FeatureSet"),
    ]),
    featureSet,
    msg(
      "SourceCodeInfo",
      [rep("location", 1, "message", "SourceCodeInfo.Location")],
      [
        msg("Location", [
          rep("path", 1, "int32"),
          rep("span", 2, "int32"),
          f("leading_comments", 3, "string"),
          f("trailing_comments", 4, "string"),
          rep("leading_detached_comments", 6, "string"),
        ]),
      ],
    ),
  ],
};
