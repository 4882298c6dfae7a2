import Runtime

/// Which MCP era a request belongs to, and the checks the stateless revision (2026-07-28)
/// puts on it before its method is looked at.
///
/// ## What is implemented, and where it comes from
///
/// Sources: the MCP specification pages for revision 2026-07-28 —
/// `https://modelcontextprotocol.io/specification/2026-07-28/server/discover`,
/// `.../2026-07-28/basic/lifecycle` ("Versioning and Compatibility": modern, legacy and
/// dual-era; per-request versions; `UnsupportedProtocolVersionError`) and the draft
/// `basic/transports` page — and the official Python SDK from PyPI, `mcp` 2.3.0 with
/// `mcp_types` 2.3.0 (pinned in `Tests/requirements.txt`), whose `mcp_types/_v2026_07_28`
/// is generated from the 2026-07-28 schema and whose `mcp/shared/inbound.py` and
/// `mcp/server/_streamable_http_modern.py` are the reference server side. The proposals
/// behind them: SEP-2575 (stateless core, `server/discover`, per-request `_meta`), SEP-2243
/// (`Mcp-Method`/`Mcp-Name` headers), SEP-2549 (`ttlMs`/`cacheScope`), spec PR #3002
/// (`serverInfo` moves into result `_meta`).
///
/// Shapes implemented:
/// - Request `params._meta`: ``protocolVersionMetaKey`` (string, required),
///   ``clientCapabilitiesMetaKey`` (object, required), ``clientInfoMetaKey`` (optional).
/// - HTTP request headers (names case-insensitive, each at most once): `MCP-Protocol-Version`
///   equal to the `_meta` version, `Mcp-Method` equal to the body's `method`, and for
///   `tools/call` and `prompts/get` `Mcp-Name` equal to `params.name`, for `resources/read`
///   to `params.uri` (a header value may be `=?base64?<standard base64 of UTF-8>?=`, see
///   ``decodeHeaderValue(_:)``).
/// - Rejections, in the SDK's order: `_meta` missing or incomplete → -32602; a routing header
///   repeated, missing or disagreeing → -32020 `HeaderMismatch`; a version we do not serve →
///   -32022 with `data: {"supported": [...], "requested": "..."}`. All are HTTP 400; an
///   unknown method (the caller's decision) is -32601 with HTTP 404 (``httpStatus(for:)``).
/// - Results: see ``MCPStatelessResult`` (`resultType`, `serverInfo` in `_meta`, cache hints,
///   `server/discover`).
///
/// ## Decisions
/// - **Era.** A request is stateless when its `_meta` names a protocol version, or when its
///   `MCP-Protocol-Version` header is present and is not a handshake version (the SDK routes
///   on the header alone; looking at the body too means a client that forgot the header is
///   told so with -32020 instead of being served as handshake-era). Everything else is
///   handshake-era and served as SPEC §8.5 says, without header checks: SEP-2243 applies to
///   the stateless revision only.
/// - **Codes.** The draft pages still show -32004 for an unsupported version (and older
///   drafts -32001 for a header mismatch); the 2026-07-28 schema as the SDK ships it
///   allocates -32020 `HeaderMismatch`, -32021 `MissingRequiredClientCapability` and
///   -32022 `UnsupportedProtocolVersion`. We use the final allocation.
/// - **Notifications** (no `id`) in the stateless era are accepted (HTTP 202, dropped) when the
///   version they name — header first, else `_meta` — is served, else rejected with -32022,
///   as the SDK does; the revision defines no header rules for them.
/// - **`Mcp-Param-*`** headers are not checked: they mirror tool arguments whose schema
///   property carries `x-mcp-header`, which OctoBus's generated schemas never do, and the SDK
///   validates declared ones only.
/// - `initialize` and `ping` do not exist in 2026-07-28 (the SDK's method table); a stateless
///   request naming them should get -32601 like any unknown method.
public enum MCPStatelessRequest {
    /// `_meta` key of the request's protocol version.
    public static let protocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion"
    /// `_meta` key of the client's capabilities (an object).
    public static let clientCapabilitiesMetaKey = "io.modelcontextprotocol/clientCapabilities"
    /// `_meta` key of the client's `Implementation` (optional).
    public static let clientInfoMetaKey = "io.modelcontextprotocol/clientInfo"

    /// The protocol version header (lower case; header names compare case-insensitively).
    public static let protocolVersionHeader = "mcp-protocol-version"
    /// The header mirroring the body's `method`.
    public static let methodHeader = "mcp-method"
    /// The header mirroring the body's `params.name` or `params.uri`.
    public static let nameHeader = "mcp-name"

    /// Methods whose target is mirrored in `Mcp-Name`, and the params key holding it.
    public static let nameBearingMethods: [String: String] = [
        "tools/call": "name", "prompts/get": "name", "resources/read": "uri",
    ]

    /// Classifies `request` and, for the stateless era, runs the checks above.
    ///
    /// - Parameters:
    ///   - headers: the HTTP request headers as received (repeats included), names in any case.
    ///   - supportedVersions: stateless versions this server serves.
    /// - Returns: ``MCPRequestEra/handshake`` or ``MCPRequestEra/stateless(_:)`` with the
    ///   request's version, capabilities and client info.
    /// - Throws: the rejection to answer with (``MCPRequestRejection/response(id:)``).
    public static func classify(
        _ request: JSONRPCRequest, headers: [(name: String, value: String)],
        supportedVersions: [String] = MCPProtocolVersion.statelessVersions
    ) throws(MCPRequestRejection) -> MCPRequestEra {
        let versionHeaders = values(of: protocolVersionHeader, in: headers)
        let meta = request.meta
        let metaVersion = meta?[protocolVersionMetaKey]
        let headerSaysStateless = versionHeaders.contains { !MCPProtocolVersion.handshakeVersions.contains($0) }
        guard metaVersion != nil || headerSaysStateless else { return .handshake }

        if request.isNotification {
            let requested = versionHeaders.first ?? metaVersion?.stringValue ?? ""
            try checkSupported(requested, supportedVersions)
            return .stateless(
                MCPStatelessContext(
                    protocolVersion: requested, clientCapabilities: meta?[clientCapabilitiesMetaKey],
                    clientInfo: meta?[clientInfoMetaKey]))
        }

        // 1. The `_meta` envelope.
        guard let meta else {
            throw MCPRequestRejection(
                .invalidParams,
                "params._meta must be an object carrying \(JSONWriter.quoted(protocolVersionMetaKey)) and "
                    + JSONWriter.quoted(clientCapabilitiesMetaKey))
        }
        let missing = [protocolVersionMetaKey, clientCapabilitiesMetaKey].filter { meta[$0] == nil }
        guard missing.isEmpty else {
            throw MCPRequestRejection(
                .invalidParams,
                "params._meta is missing \(missing.map(JSONWriter.quoted).joined(separator: " and "))")
        }
        // 2. Routing headers: each at most once, present, and agreeing with the body.
        for name in [protocolVersionHeader, methodHeader, nameHeader] where values(of: name, in: headers).count > 1 {
            throw MCPRequestRejection(.headerMismatch, "\(name) header appears more than once")
        }
        guard let versionHeader = versionHeaders.first, metaVersion == .string(versionHeader) else {
            throw MCPRequestRejection(
                .headerMismatch, "\(protocolVersionHeader) header does not match params._meta's protocol version")
        }
        guard values(of: methodHeader, in: headers).first == request.method else {
            throw MCPRequestRejection(.headerMismatch, "\(methodHeader) header does not match the request's method")
        }
        if let key = nameBearingMethods[request.method], let target = request.params?[key], !target.isNull {
            let header = values(of: nameHeader, in: headers).first.flatMap(decodeHeaderValue)
            guard let header, target == .string(header) else {
                throw MCPRequestRejection(
                    .headerMismatch, "\(nameHeader) header does not match the request's params.\(key)")
            }
        }
        // 3. The version itself.
        try checkSupported(versionHeader, supportedVersions)
        return .stateless(
            MCPStatelessContext(
                protocolVersion: versionHeader, clientCapabilities: meta[clientCapabilitiesMetaKey],
                clientInfo: meta[clientInfoMetaKey]))
    }

    /// A header value as the client meant it: verbatim, or the UTF-8 text inside
    /// `=?base64?<payload>?=` (the sentinel clients use for values that are not plain
    /// printable ASCII). Nil for a malformed sentinel (bad or non-canonical base64, bad
    /// UTF-8), so a corrupt header never matches.
    public static func decodeHeaderValue(_ raw: String) -> String? {
        let prefix = "=?base64?"
        let suffix = "?="
        guard raw.hasPrefix(prefix), raw.hasSuffix(suffix), raw.utf8.count >= prefix.utf8.count + suffix.utf8.count
        else { return raw }
        let payload = String(raw.dropFirst(prefix.count).dropLast(suffix.count))
        guard let bytes = ProtoJSONBase64.decode(payload), ProtoJSONBase64.encode(bytes) == payload,
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        return text
    }

    /// The HTTP status of a JSON-RPC error in the stateless era: 400 for the envelope,
    /// header and version errors (-32700, -32600, -32602, -32020, -32021, -32022), 404 for
    /// -32601, 200 for the rest — the SDK's `ERROR_CODE_HTTP_STATUS`.
    public static func httpStatus(for code: JSONRPCErrorCode) -> Int {
        switch code {
        case .parseError, .invalidRequest, .invalidParams, .headerMismatch, .missingRequiredClientCapability,
            .unsupportedProtocolVersion:
            400
        case .methodNotFound:
            404
        default:
            200
        }
    }

    private static func checkSupported(_ version: String, _ supported: [String]) throws(MCPRequestRejection) {
        guard supported.contains(version) else {
            throw MCPRequestRejection(
                .unsupportedProtocolVersion, "Unsupported protocol version",
                data: ["supported": .array(supported.map(JSONValue.string)), "requested": .string(version)])
        }
    }

    /// The values of header `name` (lower case), trimmed, in order.
    private static func values(of name: String, in headers: [(name: String, value: String)]) -> [String] {
        headers.compactMap { header in
            // Names usually arrive lower-cased (HTTP/2); lower-case only a same-length other spelling.
            let matches = header.name == name || (header.name.utf8.count == name.utf8.count && header.name.lowercased() == name)
            return matches ? header.value.trimmingASCIIWhitespace() : nil
        }
    }
}

/// The era of an MCP request (see ``MCPStatelessRequest``).
public enum MCPRequestEra: Sendable, Equatable {
    /// Handshake era (`initialize`, versions up to `2025-11-25`): served as SPEC §8.5 says.
    case handshake
    /// Stateless era (`2026-07-28`): the request's own version and client details.
    case stateless(MCPStatelessContext)
}

/// What a stateless request says about itself in `params._meta` (checked against its headers).
public struct MCPStatelessContext: Sendable, Equatable {
    /// The protocol version the request uses (a served stateless version).
    public let protocolVersion: String
    /// `io.modelcontextprotocol/clientCapabilities` as sent (nil only for notifications).
    public let clientCapabilities: JSONValue?
    /// `io.modelcontextprotocol/clientInfo` as sent, if any.
    public let clientInfo: JSONValue?

    /// A context from its parts.
    public init(protocolVersion: String, clientCapabilities: JSONValue?, clientInfo: JSONValue?) {
        self.protocolVersion = protocolVersion
        self.clientCapabilities = clientCapabilities
        self.clientInfo = clientInfo
    }
}

/// A stateless-era request refused before dispatch: the JSON-RPC error to answer with and
/// its HTTP status.
public struct MCPRequestRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON-RPC error code.
    public let code: JSONRPCErrorCode
    /// The error message.
    public let message: String
    /// The error's `data`, if any (the supported versions for -32022).
    public let data: JSONValue?

    /// A rejection of `code` saying `message`.
    public init(_ code: JSONRPCErrorCode, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// ``MCPStatelessRequest/httpStatus(for:)`` of the code (400 for every rejection here).
    public var httpStatus: Int { MCPStatelessRequest.httpStatus(for: code) }

    /// The JSON-RPC error reply to `id`.
    public func response(id: JSONRPCID) -> JSONValue {
        JSONRPCResponse.error(id: id, code: code, message: message, data: data)
    }

    /// The message.
    public var description: String { message }
}
