/// MCP tool annotations (`ToolAnnotations`, MCP 2025-03-26 and later) derived from a method's
/// `idempotency_level` option.
public enum MCPToolAnnotations {
    /// `{"readOnlyHint":true}` for `NO_SIDE_EFFECTS`, `{"idempotentHint":true}` for
    /// `IDEMPOTENT` (MCP reads `idempotentHint` only when `readOnlyHint` is false, its default),
    /// nil when the method declares neither (no `annotations` key: MCP's defaults apply).
    public static func annotations(for method: MethodDescriptor) -> JSONValue? {
        switch method.idempotencyLevel {
        case .noSideEffects: ["readOnlyHint": true]
        case .idempotent: ["idempotentHint": true]
        case .unknown: nil
        }
    }
}
