import Protocols
import Testing

/// `tools/call` params and results (SPEC §8.5).
@Suite struct MCPToolCallTests {
    @Test func readsParams() throws {
        let call = try MCPToolCall(params: ["name": "calc__c1__add", "arguments": ["left": 1]])
        #expect(call.name == "calc__c1__add")
        #expect(call.arguments == ["left": 1])
        #expect(try MCPToolCall(params: ["name": "x"]).arguments == [:])
        #expect(try MCPToolCall(params: ["name": "x", "arguments": .null]).arguments == [:])
        for params: JSONObject? in [nil, [:], ["name": 5], ["name": "x", "arguments": [1]], ["name": "x", "arguments": "{}"]] {
            let error = #expect(throws: MCPToolCallFailure.self) { try MCPToolCall(params: params) }
            #expect(error == MCPToolCallFailure(code: .invalidArgument, message: "invalid tools/call params"))
        }
    }

    @Test func writesResults() throws {
        let response: JSONValue = ["result": 42, "serviceId": "calc"]
        #expect(
            JSONWriter().string(MCPToolCall.successResult(response))
                == #"{"structuredContent":{"result":42,"serviceId":"calc"},"content":[{"type":"text","text":"{\"result\":42,\"serviceId\":\"calc\"}"}]}"#
        )
        let failure = MCPToolCallFailure(code: .notFound, message: "tool not found")
        #expect(
            JSONWriter().string(failure.result(markedAsError: false))
                == #"{"structuredContent":{"error":{"code":"NOT_FOUND","message":"tool not found","details":{}}},"content":[{"type":"text","text":"{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"tool not found\",\"details\":{}}}"}]}"#
        )
        #expect(failure.result(markedAsError: true)["isError"] == true)
        #expect(failure.description == "NOT_FOUND: tool not found")
    }
}
