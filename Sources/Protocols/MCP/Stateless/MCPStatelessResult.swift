/// Results as the stateless revision (MCP 2026-07-28) writes them (sources and decisions in
/// ``MCPStatelessRequest``): every result carries `"resultType": "complete"` and the server's
/// identity in `_meta["io.modelcontextprotocol/serverInfo"]`; list results and
/// `server/discover` also carry the cache hints `ttlMs` and `cacheScope`, which the schema
/// requires on them.
public enum MCPStatelessResult {
    /// Result `_meta` key of the server's `Implementation`.
    public static let serverInfoMetaKey = "io.modelcontextprotocol/serverInfo"

    /// `result` plus `resultType` and the `serverInfo` stamp (added to any `_meta` it has;
    /// a `serverInfo` already there wins). Handshake-era results are written as they are.
    public static func complete(_ result: JSONObject, serverInfo: MCPServerInfo) -> JSONValue {
        var object = result
        if object["resultType"] == nil { object["resultType"] = "complete" }
        var meta = object["_meta"]?.objectValue ?? JSONObject()
        if meta[serverInfoMetaKey] == nil || meta[serverInfoMetaKey] == .null { meta[serverInfoMetaKey] = serverInfo.json }
        object["_meta"] = .object(meta)
        return .object(object)
    }

    /// A cacheable result (`tools/list`, `resources/list`, `resources/templates/list`,
    /// `prompts/list`, `server/discover`): ``complete(_:serverInfo:)`` plus `ttlMs` and
    /// `cacheScope` from `cache` (values the result already has win).
    public static func cacheable(_ result: JSONObject, cache: MCPCacheHint, serverInfo: MCPServerInfo) -> JSONValue {
        var object = result
        if object["ttlMs"] == nil { object["ttlMs"] = .int(cache.ttlMilliseconds) }
        if object["cacheScope"] == nil { object["cacheScope"] = .string(cache.scope.rawValue) }
        return complete(object, serverInfo: serverInfo)
    }

    /// The `server/discover` result:
    /// `{"supportedVersions":[...],"capabilities":{"tools":{}},"serverInfo":{...},"ttlMs":…,
    /// "cacheScope":…,"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{...}}}`.
    /// The top-level `serverInfo` follows the example on the specification's discover page;
    /// the schema moved it into `_meta` (PR #3002); both are written.
    public static func discover(
        serverInfo: MCPServerInfo, cache: MCPCacheHint = .gateway,
        supportedVersions: [String] = MCPProtocolVersion.statelessVersions
    ) -> JSONValue {
        cacheable(
            [
                "supportedVersions": .array(supportedVersions.map(JSONValue.string)),
                "capabilities": MCPServerInfo.capabilities, "serverInfo": serverInfo.json,
            ], cache: cache, serverInfo: serverInfo)
    }
}

/// How long and how widely a client may cache a list or discover result (SEP-2549).
public struct MCPCacheHint: Sendable, Equatable {
    /// `cacheScope`: who may share a cached copy.
    public enum Scope: String, Sendable {
        /// Any client or intermediary, across authorization contexts.
        case `public`
        /// Only within the same authorization context (the same token).
        case `private`
    }

    /// `ttlMs`: milliseconds the result stays fresh (0 = immediately stale).
    public let ttlMilliseconds: Int
    /// `cacheScope`.
    public let scope: Scope

    /// A hint.
    public init(ttlMilliseconds: Int, scope: Scope) {
        self.ttlMilliseconds = max(0, ttlMilliseconds)
        self.scope = scope
    }

    /// What the gateway answers with: `ttlMs` 0, `cacheScope` `private`. A capset's tools
    /// change whenever its bindings do, and a capset with tokens must not have its list
    /// served from a cache shared with callers that hold no token.
    public static let gateway = MCPCacheHint(ttlMilliseconds: 0, scope: .private)
}
