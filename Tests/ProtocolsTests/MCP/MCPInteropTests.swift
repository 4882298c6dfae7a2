import Protocols
import Testing

/// The MCP pieces against the official Python MCP SDK (Tests/interop/mcp_check.py): our
/// results validate against the SDK's wire models of both eras, our stateless-era verdicts
/// match the SDK's own server-side checks, and our schemas mean the same to Python's
/// `jsonschema` as to our validator.
@Suite struct MCPInteropTests {
    typealias Headers = [(name: String, value: String)]

    static func tools() throws -> [JSONValue] {
        try GatewayFixtures.set.methods.filter(\.isUnary).map { method in
            try MCPTool(name: "tasks__t1__" + MCPToolName.snakeCase(method.name), method: method, in: GatewayFixtures.set)
                .json(includeOutputSchema: true)
        }
    }

    static func results() throws -> [JSONValue] {
        let info = MCPServerInfo.octobus
        let task = GatewayFixtures.message("Task")
        var random = RandomMessage(seed: 11, set: GatewayFixtures.set, maximumDepth: 2)
        let response = try ProtobufCodec.decodeToJSON(random.bytes(for: task), message: task, in: GatewayFixtures.set)
        let failure = MCPToolCallFailure(code: .unavailable, message: "backend instance is not running")
        let tools = try tools()
        let page = try MCPToolPagination.page(tools, key: { [$0["name"]?.stringValue ?? ""] }, cursor: nil, pageSize: 2)
        var listResult: JSONObject = ["tools": .array(page.tools)]
        if let next = page.nextCursor { listResult["nextCursor"] = .string(next) }
        func item(_ name: String, _ model: String, _ json: JSONValue) -> JSONValue {
            ["name": .string(name), "model": .string(model), "json": json]
        }
        let success = try #require(MCPToolCall.successResult(response).objectValue)
        let failed = try #require(failure.result(markedAsError: true).objectValue)
        return [
            item("initialize", "2025_11_25:InitializeResult", info.initializeResult(params: ["protocolVersion": "2025-06-18"])),
            item("tools/list", "2025_11_25:ListToolsResult", .object(listResult)),
            item("tools/call success", "2025_11_25:CallToolResult", .object(success)),
            item("tools/call failure", "2025_11_25:CallToolResult", .object(failed)),
            item("tools/call failure (upstream shape)", "2025_11_25:CallToolResult", failure.result(markedAsError: false)),
            item("server/discover", "2026_07_28:DiscoverResult", MCPStatelessResult.discover(serverInfo: info)),
            item("tools/list stateless", "2026_07_28:ListToolsResult", MCPStatelessResult.cacheable(listResult, cache: .gateway, serverInfo: info)),
            item("tools/call stateless", "2026_07_28:CallToolResult", MCPStatelessResult.complete(success, serverInfo: info)),
            item("tools/call failure stateless", "2026_07_28:CallToolResult", MCPStatelessResult.complete(failed, serverInfo: info)),
            item("resources/list", "2026_07_28:ListResourcesResult", MCPStatelessResult.cacheable(["resources": []], cache: .gateway, serverInfo: info)),
            item("resources/templates/list", "2026_07_28:ListResourceTemplatesResult", MCPStatelessResult.cacheable(["resourceTemplates": []], cache: .gateway, serverInfo: info)),
            item("prompts/list", "2026_07_28:ListPromptsResult", MCPStatelessResult.cacheable(["prompts": []], cache: .gateway, serverInfo: info)),
            item(
                "unsupported version", "2026_07_28:UnsupportedProtocolVersionError",
                MCPRequestRejection(.unsupportedProtocolVersion, "Unsupported protocol version", data: ["supported": ["2026-07-28"], "requested": "1900-01-01"])
                    .response(id: .number("3"))),
            item("header mismatch", "2026_07_28:HeaderMismatchError", MCPRequestRejection(.headerMismatch, "x").response(id: .null)),
        ]
    }

    /// Stateless-era requests and Swift's verdict on each.
    static func requests() -> [JSONValue] {
        let meta = MCPStatelessRequestTests.meta
        var otherVersion = meta.objectValue ?? [:]
        otherVersion["io.modelcontextprotocol/protocolVersion"] = "2027-01-01"
        var noCapabilities = meta.objectValue ?? [:]
        noCapabilities["io.modelcontextprotocol/clientCapabilities"] = nil
        let cases: [(String, String, JSONObject, Headers)] = [
            ("list", "tools/list", ["_meta": meta], MCPStatelessRequestTests.headers("tools/list")),
            ("list, lower-case headers", "tools/list", ["_meta": meta], [("mcp-protocol-version", "2026-07-28"), ("mcp-method", "tools/list")]),
            ("no _meta", "tools/list", [:], MCPStatelessRequestTests.headers("tools/list")),
            ("no capabilities", "tools/list", ["_meta": .object(noCapabilities)], MCPStatelessRequestTests.headers("tools/list")),
            ("no version header", "tools/list", ["_meta": meta], [("Mcp-Method", "tools/list")]),
            ("no method header", "tools/list", ["_meta": meta], [("MCP-Protocol-Version", "2026-07-28")]),
            ("wrong method header", "tools/list", ["_meta": meta], MCPStatelessRequestTests.headers("tools/call")),
            ("repeated method header", "tools/list", ["_meta": meta], MCPStatelessRequestTests.headers("tools/list") + [("mcp-method", "tools/list")]),
            ("call", "tools/call", ["_meta": meta, "name": "a__b__c"], MCPStatelessRequestTests.headers("tools/call", name: "a__b__c")),
            ("call, wrong name", "tools/call", ["_meta": meta, "name": "a__b__c"], MCPStatelessRequestTests.headers("tools/call", name: "x")),
            ("call, no name header", "tools/call", ["_meta": meta, "name": "a__b__c"], MCPStatelessRequestTests.headers("tools/call")),
            ("call, base64 name", "tools/call", ["_meta": meta, "name": "计算"], MCPStatelessRequestTests.headers("tools/call", name: "=?base64?6K6h566X?=")),
            ("call, bad base64 name", "tools/call", ["_meta": meta, "name": "a"], MCPStatelessRequestTests.headers("tools/call", name: "=?base64?YR==?=")),
            ("read", "resources/read", ["_meta": meta, "uri": "file:///a"], MCPStatelessRequestTests.headers("resources/read", name: "file:///a")),
            ("unsupported version", "tools/list", ["_meta": .object(otherVersion)], MCPStatelessRequestTests.headers("tools/list", version: "2027-01-01")),
            ("version header disagrees", "tools/list", ["_meta": meta], MCPStatelessRequestTests.headers("tools/list", version: "2027-01-01")),
            ("discover", "server/discover", ["_meta": meta], MCPStatelessRequestTests.headers("server/discover")),
        ]
        return cases.map { name, method, params, headers in
            let request = JSONRPCRequest(id: .number("1"), method: method, params: params)
            var verdict: JSONObject = ["code": .null]
            do throws(MCPRequestRejection) {
                let era = try MCPStatelessRequest.classify(request, headers: headers)
                if era == .handshake { verdict["code"] = "handshake" }
            } catch {
                verdict["code"] = .int(error.code.rawValue)
                verdict["data"] = error.data ?? .null
            }
            let body: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": .object(params)]
            return [
                "name": .string(name), "body": body,
                "headers": .array(headers.map { [.string($0.name), .string($0.value)] }), "swift": .object(verdict),
            ]
        }
    }

    /// Output and input schemas with instances our validator accepts and refuses.
    static func schemas() throws -> [JSONValue] {
        var items: [JSONValue] = []
        for (set, name) in MCPOutputSchemaTests.cases {
            let message = try #require(set.message(fullName: name))
            let schema = try #require(MCPToolSchema.outputSchema(for: message, in: set))
            var random = RandomMessage(seed: 99, set: set, maximumDepth: 3)
            let valid = try (0..<40).map { _ in try ProtobufCodec.decodeToJSON(random.bytes(for: message), message: message, in: set) }
            #expect(valid.allSatisfy { (try? JSONSchema(schema).isValid($0)) == true })
            items.append(["name": .string("output " + name), "schema": schema, "valid": .array(valid)])
        }
        let everything = try #require(MCPToolSchema.outputSchema(for: GatewayFixtures.message("Everything"), in: GatewayFixtures.set))
        let refused = try [#"{"fInt64":12}"#, #"{"unknown":1}"#, #"{"fInt32":2147483648}"#, #"{"duration":"1.5s"}"#, #"{"byFlag":{"yes":"1"}}"#, #"{"nullValue":0}"#]
            .map(json)
        #expect(refused.allSatisfy { (try? JSONSchema(everything).isValid($0)) == false })
        items.append(["name": "output Everything (refused)", "schema": everything, "invalid": .array(refused)])
        let task = MCPToolSchema.inputSchema(for: GatewayFixtures.message("Task"), in: GatewayFixtures.set)
        items.append([
            "name": "input Task", "schema": task,
            "valid": .array(try [#"{"id":"a","user":"u"}"#, #"{"id":"a","team":{"name":"n"},"teams_by_id":{"-1":{}}}"#].map(json)),
            "invalid": .array(try [#"{"user":"u"}"#, #"{"id":"a","user":"u","team":{}}"#, #"{"id":"a","teams_by_id":{"x":{}}}"#].map(json)),
        ])
        return items
    }

    @Test func agreesWithTheOfficialMCPSDK() throws {
        let checks: JSONValue = [
            "results": .array(try Self.results()), "requests": .array(Self.requests()), "schemas": .array(try Self.schemas()),
        ]
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        try Protoc.writeFile(directory + "/checks.json", JSONWriter().bytes(checks))
        let result = try PythonInterop.run("mcp_check.py", [directory + "/checks.json"])
        #expect(result.exitedCleanly, "\(result.output)")
        #expect(result.output.contains(" checks pass"), "\(result.output)")
    }
}
