import Protocols
import Testing

/// `tools/list` entries: descriptions from comments, annotations from `idempotency_level`.
@Suite struct MCPToolTests {
    let set = GatewayFixtures.set

    // Leading, then trailing comment, joined by a blank line; the full name when there is none.
    @Test func describesMethodsByTheirComments() throws {
        #expect(MCPTool.description(for: GatewayFixtures.method("GetTask")) == "Gets one task.\n\nReads only.")
        #expect(MCPTool.description(for: GatewayFixtures.method("PutTask")) == "Creates or replaces a task.")
        #expect(MCPTool.description(for: GatewayFixtures.method("DeleteTask")) == "gw.test.v1.TaskService/DeleteTask")
        let echo = try #require(CodecHarness.set.method(path: "codec.svc.v1.EchoService/Echo"))
        #expect(MCPTool.description(for: echo) == "Echo returns the text.\n\nTrailing comment on Echo.")
    }

    // MethodOptions.idempotency_level is decoded and becomes the MCP hints.
    @Test func annotatesByIdempotencyLevel() throws {
        #expect(GatewayFixtures.method("GetTask").idempotencyLevel == .noSideEffects)
        #expect(GatewayFixtures.method("PutTask").idempotencyLevel == .idempotent)
        #expect(GatewayFixtures.method("DeleteTask").idempotencyLevel == .unknown)
        #expect(MCPToolAnnotations.annotations(for: GatewayFixtures.method("GetTask")) == ["readOnlyHint": true])
        #expect(MCPToolAnnotations.annotations(for: GatewayFixtures.method("PutTask")) == ["idempotentHint": true])
        #expect(MCPToolAnnotations.annotations(for: GatewayFixtures.method("DeleteTask")) == nil)
        #expect(MethodDescriptor.IdempotencyLevel(rawValue: 9) == .unknown)
    }

    @Test func writesTheListEntry() throws {
        let tool = try MCPTool(name: "tasks__t1__get_task", method: GatewayFixtures.method("GetTask"), in: set)
        let entry = tool.json(includeOutputSchema: true)
        #expect(entry.objectValue?.keys == ["name", "description", "inputSchema", "outputSchema", "annotations"])
        #expect(entry["name"] == "tasks__t1__get_task")
        #expect(entry["inputSchema"] == MCPToolSchema.inputSchema(for: GatewayFixtures.message("GetTaskRequest"), in: set))
        #expect(entry.at("outputSchema", "properties", "teamsById") != nil)
        #expect(tool.json(includeOutputSchema: false).objectValue?.keys == ["name", "description", "inputSchema", "annotations"])

        let now = try MCPTool(name: "now", method: GatewayFixtures.method("Now"), in: set)
        #expect(now.outputSchema == nil, "a Timestamp response is not an object")
        #expect(now.json(includeOutputSchema: true).objectValue?.keys == ["name", "description", "inputSchema"])
    }

    @Test func refusesMethodsWhoseTypesAreMissing() throws {
        let other = try GatewayFixtures.compile(
            source: """
                syntax = "proto3";
                package other;
                message A {}
                service S { rpc M(A) returns (A); }
                """, named: "other.proto")
        let method = try #require(other.method(path: "other.S/M"))
        let error = #expect(throws: MCPToolError.self) { try MCPTool(name: "m", method: method, in: set) }
        #expect(error?.code == .unknownMessageType)
        #expect(error?.message == "request type other.A of other.S/M is not in the descriptor set")
    }
}
