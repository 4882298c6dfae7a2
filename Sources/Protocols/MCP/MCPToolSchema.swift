/// JSON Schemas of MCP tools built from protobuf descriptors (SPEC §8.5).
///
/// - ``inputSchema(for:in:maximumRecursiveExpansions:)``: what `tools/list` advertises for a
///   request message, exactly in SPEC §8.5's shape (redpanda protoc-gen-go-mcp
///   `MessageSchema`, non-OpenAI mode): proto field names as keys, inline expansion with a
///   recursion cut-off, oneofs as `anyOf`/`oneOf`, `required` from
///   `google.api.field_behavior = REQUIRED`, proto comments as descriptions.
/// - ``outputSchema(for:in:)``: a schema the canonical ProtoJSON of a response message
///   validates against (the `structuredContent` of a successful `tools/call`).
public enum MCPToolSchema {
    /// The `inputSchema` of a request message; its top-level `type` is always `object`.
    ///
    /// Scalars: bool `boolean`, string `string`, 32-bit integers `integer`, 64-bit integers
    /// `string`, float/double `number`, bytes a base64 `string`; enums a `string` enum of their
    /// value names; lists `array`, maps `object` with `propertyNames`. A message already
    /// expanded `maximumRecursiveExpansions` times on the current path becomes
    /// `{"type":"string","description":"JSON-encoded <Name>. Provide a JSON object as a string."}`.
    ///
    /// Comments: a message's comment describes its schema, a field's comment is prepended to
    /// its schema's description (so a message field reads "field comment, blank line, message
    /// comment"), and a oneof's comment describes its `anyOf` entry; each oneof branch holds
    /// the member's schema with the member's comment.
    public static func inputSchema(
        for message: MessageDescriptor, in set: DescriptorSet,
        maximumRecursiveExpansions: Int = MCPLimits.defaultMaximumRecursiveExpansions
    ) -> JSONValue {
        var builder = MCPInputSchemaBuilder(set: set, maximumExpansions: maximumRecursiveExpansions)
        return builder.topLevelSchema(message)
    }

    /// The `outputSchema` of a response message, or nil when the message's ProtoJSON is not
    /// always an object (Timestamp, Duration, FieldMask, the wrappers, Value and ListValue as
    /// response types): MCP requires `structuredContent` to be an object, so such tools
    /// advertise no output schema.
    ///
    /// JSON names as keys; nothing `required` (defaults are omitted); closed objects; 64-bit
    /// integers as decimal strings; enums by name, or by number for values an open enum does
    /// not list; floats as numbers or `"NaN"`/`"Infinity"`/`"-Infinity"`; bytes as padded
    /// standard base64; Timestamp and Duration in their canonical string forms; at most one
    /// member per oneof. Messages are defined once under `$defs` and referenced, so recursive
    /// messages validate at any depth.
    public static func outputSchema(for message: MessageDescriptor, in set: DescriptorSet) -> JSONValue? {
        var builder = MCPOutputSchemaBuilder(set: set)
        return builder.topLevelSchema(message)
    }
}
