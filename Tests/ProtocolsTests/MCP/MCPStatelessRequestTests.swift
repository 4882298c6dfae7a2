import Protocols
import Testing

/// The stateless revision (MCP 2026-07-28): era detection, the `_meta` envelope, the
/// `MCP-Protocol-Version`/`Mcp-Method`/`Mcp-Name` header checks, and result shapes.
@Suite struct MCPStatelessRequestTests {
    static let meta: JSONValue = [
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": [:],
        "io.modelcontextprotocol/clientInfo": ["name": "c", "version": "1"],
    ]

    static func request(_ method: String, _ params: JSONObject = [:], id: JSONRPCID? = .number("1")) -> JSONRPCRequest {
        var params = params
        if params["_meta"] == nil { params["_meta"] = meta }
        return JSONRPCRequest(id: id, method: method, params: params)
    }

    static func headers(_ method: String, name: String? = nil, version: String = "2026-07-28") -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("MCP-Protocol-Version", version), ("Mcp-Method", method)]
        if let name { headers.append(("Mcp-Name", name)) }
        return headers
    }

    func classify(_ request: JSONRPCRequest, _ headers: [(name: String, value: String)]) throws(MCPRequestRejection) -> MCPRequestEra {
        try MCPStatelessRequest.classify(request, headers: headers)
    }

    func rejection(_ request: JSONRPCRequest, _ headers: [(name: String, value: String)]) -> MCPRequestRejection? {
        do {
            _ = try classify(request, headers)
            return nil
        } catch {
            return error
        }
    }

    @Test func tellsTheErasApart() throws {
        // No _meta version and no (or a handshake-era) version header: the handshake era.
        #expect(try classify(JSONRPCRequest(id: .number("1"), method: "initialize", params: nil), []) == .handshake)
        #expect(try classify(JSONRPCRequest(id: .number("1"), method: "tools/list", params: nil), [("mcp-protocol-version", "2025-06-18")]) == .handshake)
        #expect(try classify(JSONRPCRequest(id: .number("1"), method: "tools/list", params: ["_meta": ["progressToken": 1]]), []) == .handshake)
        let era = try classify(Self.request("tools/list"), Self.headers("tools/list"))
        #expect(
            era
                == .stateless(
                    MCPStatelessContext(
                        protocolVersion: "2026-07-28", clientCapabilities: [:], clientInfo: ["name": "c", "version": "1"])))
        // Header names are case-insensitive; values are trimmed.
        let lower: [(name: String, value: String)] = [("mcp-protocol-version", " 2026-07-28 "), ("MCP-METHOD", "tools/list")]
        #expect(try classify(Self.request("tools/list"), lower) != .handshake)
    }

    @Test func checksTheMetaEnvelope() throws {
        let noMeta = JSONRPCRequest(id: .number("1"), method: "tools/list", params: nil)
        let missingMeta = try #require(rejection(noMeta, Self.headers("tools/list")))
        #expect(missingMeta.code == .invalidParams)
        let partial = Self.request("tools/list", ["_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]])
        let missingCapabilities = try #require(rejection(partial, Self.headers("tools/list")))
        #expect(missingCapabilities.code == .invalidParams)
        #expect(missingCapabilities.message == #"params._meta is missing "io.modelcontextprotocol/clientCapabilities""#)
        #expect(missingCapabilities.httpStatus == 400)
    }

    @Test(arguments: [
        ([("Mcp-Method", "tools/list")], "mcp-protocol-version header does not match params._meta's protocol version"),
        ([("MCP-Protocol-Version", "2026-07-28")], "mcp-method header does not match the request's method"),
        ([("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call")], "mcp-method header does not match the request's method"),
        ([("MCP-Protocol-Version", "2026-01-01"), ("Mcp-Method", "tools/list")], "mcp-protocol-version header does not match params._meta's protocol version"),
        ([("MCP-Protocol-Version", "2026-07-28"), ("mcp-protocol-version", "2026-07-28"), ("Mcp-Method", "tools/list")], "mcp-protocol-version header appears more than once"),
        ([("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/list"), ("mcp-method", "tools/list")], "mcp-method header appears more than once"),
    ] as [([(String, String)], String)])
    func refusesHeadersThatDisagree(headers: [(String, String)], message: String) throws {
        let refusal = try #require(rejection(Self.request("tools/list"), headers.map { (name: $0.0, value: $0.1) }))
        #expect(refusal.code == .headerMismatch)
        #expect(refusal.message == message)
        #expect(refusal.httpStatus == 400)
        #expect(refusal.response(id: .number("1"))["error"]?["code"] == -32020)
    }

    @Test func checksMcpNameAgainstTheTarget() throws {
        let call = Self.request("tools/call", ["name": "calc__c1__add", "arguments": [:]])
        #expect(try classify(call, Self.headers("tools/call", name: "calc__c1__add")) != .handshake)
        let wrong = try #require(rejection(call, Self.headers("tools/call", name: "calc__c1__sub")))
        #expect(wrong.message == "mcp-name header does not match the request's params.name")
        #expect(rejection(call, Self.headers("tools/call"))?.code == .headerMismatch)
        // A base64 sentinel carries names that are not plain ASCII.
        let unicode = Self.request("tools/call", ["name": "计算"])
        #expect(try classify(unicode, Self.headers("tools/call", name: "=?base64?6K6h566X?=")) != .handshake)
        #expect(rejection(unicode, Self.headers("tools/call", name: "=?base64?6K6h566X?")) != nil)
        #expect(MCPStatelessRequest.decodeHeaderValue("=?base64?6K6h566X?=") == "计算")
        #expect(MCPStatelessRequest.decodeHeaderValue("=?base64?YR==?=") == nil, "non-canonical base64")
        #expect(MCPStatelessRequest.decodeHeaderValue("=?base64?YQ==?=") == "a")
        #expect(MCPStatelessRequest.decodeHeaderValue("=?base64?//79?=") == nil, "not UTF-8")
        #expect(MCPStatelessRequest.decodeHeaderValue("plain") == "plain")
        // resources/read mirrors params.uri.
        let read = Self.request("resources/read", ["uri": "file:///a"])
        #expect(try classify(read, Self.headers("resources/read", name: "file:///a")) != .handshake)
        #expect(rejection(read, Self.headers("resources/read", name: "file:///b"))?.code == .headerMismatch)
    }

    @Test func refusesVersionsItDoesNotServe() throws {
        var meta = try #require(Self.meta.objectValue)
        meta["io.modelcontextprotocol/protocolVersion"] = "2027-01-01"
        let request = Self.request("tools/list", ["_meta": .object(meta)])
        let refusal = try #require(rejection(request, Self.headers("tools/list", version: "2027-01-01")))
        #expect(refusal.code == .unsupportedProtocolVersion)
        #expect(refusal.data == ["supported": ["2026-07-28"], "requested": "2027-01-01"])
        #expect(
            JSONWriter().string(refusal.response(id: .string("d")))
                == #"{"jsonrpc":"2.0","id":"d","error":{"code":-32022,"message":"Unsupported protocol version","data":{"supported":["2026-07-28"],"requested":"2027-01-01"}}}"#
        )
        // A version header alone marks the request stateless (and it is refused the same way).
        let bare = JSONRPCRequest(id: .number("2"), method: "tools/list", params: nil)
        #expect(rejection(bare, [("MCP-Protocol-Version", "2027-01-01")])?.code == .invalidParams)
    }

    @Test func acceptsNotificationsAtServedVersions() throws {
        let notification = Self.request("notifications/cancelled", id: nil)
        #expect(try classify(notification, [("MCP-Protocol-Version", "2026-07-28")]) != .handshake)
        #expect(rejection(notification, [("MCP-Protocol-Version", "2099-01-01")])?.code == .unsupportedProtocolVersion)
        let handshake = JSONRPCRequest(id: nil, method: "notifications/initialized", params: nil)
        #expect(try classify(handshake, []) == .handshake)
    }

    @Test func mapsErrorsToHTTPStatuses() {
        for code in [JSONRPCErrorCode.parseError, .invalidRequest, .invalidParams, .headerMismatch,
                     .missingRequiredClientCapability, .unsupportedProtocolVersion] {
            #expect(MCPStatelessRequest.httpStatus(for: code) == 400)
        }
        #expect(MCPStatelessRequest.httpStatus(for: .methodNotFound) == 404)
        #expect(MCPStatelessRequest.httpStatus(for: .internalError) == 200)
    }

    @Test func shapesResults() throws {
        let info = MCPServerInfo.octobus
        let stamp: JSONValue = ["io.modelcontextprotocol/serverInfo": ["name": "octobus", "version": "0.0.0"]]
        #expect(MCPStatelessResult.complete([:], serverInfo: info) == ["resultType": "complete", "_meta": stamp])
        #expect(
            MCPStatelessResult.complete(["_meta": ["x": 1], "resultType": "input_required"], serverInfo: info)
                == ["_meta": ["x": 1, "io.modelcontextprotocol/serverInfo": info.json], "resultType": "input_required"])
        #expect(
            MCPStatelessResult.cacheable(["tools": []], cache: .gateway, serverInfo: info)
                == ["tools": [], "ttlMs": 0, "cacheScope": "private", "resultType": "complete", "_meta": stamp])
        let discover = MCPStatelessResult.discover(serverInfo: info, cache: MCPCacheHint(ttlMilliseconds: 60_000, scope: .public))
        #expect(
            discover
                == [
                    "supportedVersions": ["2026-07-28"], "capabilities": ["tools": [:]], "serverInfo": info.json,
                    "ttlMs": 60000, "cacheScope": "public", "resultType": "complete", "_meta": stamp,
                ])
    }
}
