/// Converts messages between the protobuf binary format and ProtoJSON, driven by descriptors
/// (no generated code): the Connect and MCP front ends translate request and response bodies
/// with it, and check on-demand responses.
///
/// ProtoJSON rules follow https://protobuf.dev/programming-guides/json/ as the SDK's codec
/// applies them (`sdk/src/protobuf/json`): JSON names out, JSON or proto names in, 64-bit
/// integers as strings, enums by name, bytes as base64, well-known types in their own forms.
/// Output fields are in field-number order.
///
/// - Note: Malformed input never traps: every failure is a ``ProtobufCodecError``, and
///   nesting is bounded by ``ProtobufLimits/defaultMaximumDepth``.
public enum ProtobufCodec {
    /// Binary → ProtoJSON value. Unknown fields are dropped; fields without presence are
    /// omitted at their zero value unless `options.emitDefaults`; enum numbers the enum does
    /// not list are written as numbers; `Any` resolves its type URL in `set`.
    public static func decodeToJSON(
        _ bytes: [UInt8], message: MessageDescriptor, in set: DescriptorSet, options: ProtoJSONOptions = .init()
    ) throws(ProtobufCodecError) -> JSONValue {
        var decoder = ProtoJSONDecoder(set: set, options: options)
        return try decoder.decode(bytes, 0..<bytes.count, message, depth: 0)
    }

    /// ProtoJSON → binary, strictly: unknown keys fail (`unknown field "x" in pkg.Msg`)
    /// unless `options.ignoreUnknownFields`; a field may be named by JSON or proto name, once;
    /// 64-bit integers as strings or numbers; enums by name or number; bytes in standard or
    /// URL-safe base64; `null` means "unset"; two members of one oneof fail. Fields are
    /// written in number order, packed where the field is.
    public static func encodeFromJSON(
        _ json: JSONValue, message: MessageDescriptor, in set: DescriptorSet, options: ProtoJSONOptions = .init()
    ) throws(ProtobufCodecError) -> [UInt8] {
        var encoder = ProtoJSONEncoder(set: set, options: options)
        return try encoder.encode(json, message, depth: 0)
    }

    /// Checks that `bytes` decode as `message`: every known field has a wire type its kind
    /// allows, nested messages (not `Any` payloads) are well-formed, proto2 required fields
    /// are present. Unknown fields are allowed.
    public static func validate(
        _ bytes: [UInt8], message: MessageDescriptor, in set: DescriptorSet
    ) throws(ProtobufCodecError) {
        var decoder = ProtoJSONDecoder(set: set, options: .init())
        try decoder.validate(bytes, 0..<bytes.count, message, depth: 0)
    }
}
