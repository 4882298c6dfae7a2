/// The server's MCP identity (`serverInfo`, an MCP `Implementation`) and the handshake-era
/// `initialize` result built from it.
public struct MCPServerInfo: Sendable, Equatable {
    /// `name` (`octobus`).
    public let name: String
    /// `version` (`0.0.0`, as upstream answers; SPEC §8.5).
    public let version: String

    /// An identity.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// OctoBus as SPEC §8.5 names it: `{"name":"octobus","version":"0.0.0"}`.
    public static let octobus = MCPServerInfo(name: "octobus", version: "0.0.0")

    /// `{"name":…,"version":…}`.
    public var json: JSONValue { ["name": .string(name), "version": .string(version)] }

    /// The capabilities OctoBus declares: tools only (`{"tools":{}}`).
    public static let capabilities: JSONValue = ["tools": .object(JSONObject())]

    /// The `initialize` result (SPEC §8.5):
    /// `{"protocolVersion":V,"serverInfo":{…},"capabilities":{"tools":{}}}` where V is
    /// ``MCPProtocolVersion/negotiateHandshake(requested:)`` of `params.protocolVersion`.
    public func initializeResult(params: JSONObject?) -> JSONValue {
        let version = MCPProtocolVersion.negotiateHandshake(requested: params?["protocolVersion"])
        return ["protocolVersion": .string(version), "serverInfo": json, "capabilities": Self.capabilities]
    }
}
