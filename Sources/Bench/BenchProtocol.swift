/// The wire protocol a run speaks. Every protocol travels over h2c, so one client engine
/// serves all three; they differ in the request they send and in how a response is judged.
public enum BenchProtocol: String, Sendable, CaseIterable {
    /// gRPC over HTTP/2 (unary and streaming); outcome = `grpc-status`.
    case grpc
    /// Connect unary (SPEC §8.4); outcome = HTTP status (200 = OK).
    case connect
    /// MCP `tools/call` (SPEC §8.5); outcome = HTTP status, and a 200 result with
    /// `isError: true` or a JSON-RPC error counts as an error.
    case mcp
}
