import Protocols
import Runtime

/// Builds the one request a run sends, per protocol, from an already encoded message (the
/// caller encodes the user's ProtoJSON once with the method's descriptor, which also
/// rejects a bad request before any load is sent).
public enum BenchRequest {
    /// The MCP revision a run speaks: the handshake era's newest (SPEC §8.5).
    public static let mcpProtocolVersion = MCPProtocolVersion.defaultHandshakeVersion
    static let userAgent = "octobus-bench"

    /// A gRPC call: `POST /pkg.Svc/Method`, the message in one length-prefixed frame.
    public static func grpc(path: String, authority: String, message: [UInt8], metadata: HTTPHeaders) -> PreparedRequest {
        var headers: HTTPHeaders = ["content-type": "application/grpc", "te": "trailers", "user-agent": userAgent]
        for field in metadata { headers.addLowercased(name: field.name, value: field.value) }
        let length = UInt32(message.count)
        let frame = [0, UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                     UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)] + message
        return PreparedRequest(method: "POST", path: path, authority: authority, headers: headers, body: frame)
    }

    /// How a Connect request body is encoded.
    public enum ConnectCodec: String, Sendable, CaseIterable {
        case json, proto
    }

    /// A Connect unary call (`application/json` or `application/proto`).
    public static func connect(path: String, authority: String, codec: ConnectCodec, json: JSONValue, message: [UInt8],
                               headers extra: HTTPHeaders) -> PreparedRequest {
        var headers: HTTPHeaders = [
            "content-type": codec == .json ? "application/json" : "application/proto", "connect-protocol-version": "1",
            "user-agent": userAgent,
        ]
        for field in extra { headers.addLowercased(name: field.name, value: field.value) }
        let body = codec == .json ? JSONWriter().bytes(json) : message
        return PreparedRequest(method: "POST", path: path, authority: authority, headers: headers, body: body)
    }

    /// An MCP `tools/call` of `tool` with `arguments`.
    public static func mcpToolCall(path: String, authority: String, tool: String, arguments: JSONValue, headers: HTTPHeaders) -> PreparedRequest {
        mcp(path: path, authority: authority, headers: headers, body: [
            "jsonrpc": "2.0", "id": .int(1), "method": "tools/call",
            "params": .object(["name": .string(tool), "arguments": arguments]),
        ])
    }

    /// What an MCP client sends once per connection before calling tools: `initialize`, then
    /// the `notifications/initialized` notification.
    public static func mcpHandshake(path: String, authority: String, headers: HTTPHeaders) -> [LoadPlan.HandshakeStep] {
        [
            LoadPlan.HandshakeStep(name: "MCP initialize", request: mcp(path: path, authority: authority, headers: headers, body: [
                "jsonrpc": "2.0", "id": .int(0), "method": "initialize",
                "params": .object([
                    "protocolVersion": .string(mcpProtocolVersion), "capabilities": .object([:]),
                    "clientInfo": .object(["name": .string(userAgent), "version": "1"]),
                ]),
            ])),
            LoadPlan.HandshakeStep(name: "MCP notifications/initialized", request: mcp(
                path: path, authority: authority, headers: headers, body: ["jsonrpc": "2.0", "method": "notifications/initialized"])),
        ]
    }

    private static func mcp(path: String, authority: String, headers extra: HTTPHeaders, body: JSONObject) -> PreparedRequest {
        var headers: HTTPHeaders = [
            "content-type": "application/json", "accept": "application/json, text/event-stream",
            "mcp-protocol-version": mcpProtocolVersion, "user-agent": userAgent,
        ]
        for field in extra { headers.addLowercased(name: field.name, value: field.value) }
        return PreparedRequest(method: "POST", path: path, authority: authority, headers: headers, body: JSONWriter().bytes(.object(body)))
    }
}
