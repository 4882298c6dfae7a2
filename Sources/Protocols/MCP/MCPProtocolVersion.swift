/// The MCP protocol revisions OctoBus speaks, in two eras:
///
/// - **Handshake era** (`2025-03-26`, `2025-06-18`, `2025-11-25`): a client sends
///   `initialize` with the version it wants; the server answers with that version if it
///   speaks it, else with its own default (SPEC §8.5), and the client decides.
/// - **Stateless era** (`2026-07-28`): no handshake; every request names its version in
///   `params._meta["io.modelcontextprotocol/protocolVersion"]` (and, on HTTP, in the
///   `MCP-Protocol-Version` header). See ``MCPStatelessRequest``.
public enum MCPProtocolVersion {
    /// Versions `initialize` accepts, newest first.
    public static let handshakeVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]
    /// What `initialize` answers for a version it does not speak (or none).
    public static let defaultHandshakeVersion = "2025-11-25"
    /// The stateless revision (MCP 2026-07-28: per-request `_meta`, `server/discover`).
    public static let stateless = "2026-07-28"
    /// Versions a stateless request may name, newest first (`supportedVersions` of
    /// `server/discover`, `data.supported` of an unsupported-version error).
    public static let statelessVersions = [stateless]

    /// The version `initialize` answers with: the requested one if it is a handshake version
    /// we speak, else ``defaultHandshakeVersion`` (also for a missing or non-string value,
    /// and for `2026-07-28`, which has no handshake).
    public static func negotiateHandshake(requested: JSONValue?) -> String {
        if case .string(let version)? = requested, handshakeVersions.contains(version) { return version }
        return defaultHandshakeVersion
    }

    /// Whether tools may carry `outputSchema` and results `structuredContent`: from
    /// `2025-06-18` on (they do not exist in `2025-03-26`).
    public static func supportsStructuredContent(_ version: String) -> Bool {
        version != "2025-03-26"
    }
}
