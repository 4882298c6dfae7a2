/// A JSON-RPC 2.0 error code: the standard ones and those MCP assigns in the server-error
/// range (-32000 to -32099).
public struct JSONRPCErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// The integer on the wire.
    public let rawValue: Int

    /// Any code (implementation-defined ones included).
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// -32700: the body is not JSON (JSON-RPC). OctoBus answers unparseable bodies with
    /// ``invalidRequest`` and `"invalid JSON"` instead, as upstream does (SPEC §8.5).
    public static let parseError = JSONRPCErrorCode(rawValue: -32700)
    /// -32600: not a valid single request object; also OctoBus's answer to unsupported
    /// methods in the handshake era (`"unsupported MCP method"`, SPEC §8.5).
    public static let invalidRequest = JSONRPCErrorCode(rawValue: -32600)
    /// -32601: no such method.
    public static let methodNotFound = JSONRPCErrorCode(rawValue: -32601)
    /// -32602: the params are invalid (a bad `tools/list` cursor, a stateless request
    /// without its `_meta` fields).
    public static let invalidParams = JSONRPCErrorCode(rawValue: -32602)
    /// -32603: internal error.
    public static let internalError = JSONRPCErrorCode(rawValue: -32603)
    /// -32020 `HeaderMismatch` (MCP 2026-07-28): `MCP-Protocol-Version`, `Mcp-Method` or
    /// `Mcp-Name` is missing, repeated, or disagrees with the body.
    public static let headerMismatch = JSONRPCErrorCode(rawValue: -32020)
    /// -32021 `MissingRequiredClientCapability` (MCP 2026-07-28).
    public static let missingRequiredClientCapability = JSONRPCErrorCode(rawValue: -32021)
    /// -32022 `UnsupportedProtocolVersion` (MCP 2026-07-28), with
    /// `data: {"supported": [...], "requested": "..."}`.
    public static let unsupportedProtocolVersion = JSONRPCErrorCode(rawValue: -32022)

    /// The number as text.
    public var description: String { String(rawValue) }
}
