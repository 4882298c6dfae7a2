import Protocols

/// What became of one request, as an index into a flat counter array (no hashing per
/// request): gRPC codes 0–16, HTTP statuses 100–599 (Connect, MCP, and gRPC replies that
/// carry no `grpc-status`), then failures seen by the client itself.
public enum Outcome {
    /// The stream was reset (RST_STREAM) before its response ended.
    public static let streamReset = 600
    /// The connection closed or failed while the request was in flight.
    public static let connectionLost = 601
    /// No response within the request timeout; the stream was cancelled.
    public static let timedOut = 602
    /// A gRPC response ended without `grpc-status` (and with HTTP 200).
    public static let missingStatus = 603
    /// An MCP `tools/call` result with `"isError": true`.
    public static let toolError = 604
    /// An MCP reply carrying a JSON-RPC `error` member.
    public static let jsonRPCError = 605
    /// Size of the counter array.
    public static let count = 606

    /// Whether `key` is a success for `protocolKind`.
    public static func isSuccess(_ key: Int, _ protocolKind: BenchProtocol) -> Bool {
        switch protocolKind {
        case .grpc: key == 0
        case .connect, .mcp: key >= 200 && key < 300
        }
    }

    /// The name reports use: `OK`, `UNAVAILABLE`, `200`, `isError`, `timeout`, …
    public static func label(_ key: Int, _ protocolKind: BenchProtocol) -> String {
        switch key {
        case 0...16 where protocolKind == .grpc: GRPCStatusCode.names[key]
        case 100...599: protocolKind == .grpc ? "HTTP \(key)" : String(key)
        case streamReset: "stream reset"
        case connectionLost: "connection lost"
        case timedOut: "timeout"
        case missingStatus: "no grpc-status"
        case toolError: "isError"
        case jsonRPCError: "JSON-RPC error"
        default: "status \(key)"
        }
    }
}
