import Protocols
import Testing

/// JSON-RPC 2.0 bodies as MCP's HTTP transport receives them.
@Suite struct JSONRPCRequestTests {
    func parse(_ text: String) throws(JSONRPCRequestError) -> JSONRPCRequest {
        try JSONRPCRequest.parse(Array(text.utf8))
    }

    @Test func readsRequestsAndNotifications() throws {
        let call = try parse(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{}}}"#)
        #expect(call.id == .number("7"))
        #expect(call.method == "tools/call")
        #expect(call.params?["name"] == "t")
        #expect(!call.isNotification)
        // Ids are echoed exactly as written.
        #expect(try parse(#"{"jsonrpc":"2.0","id":1.50e1,"method":"ping"}"#).id == .number("1.50e1"))
        #expect(try parse(#"{"jsonrpc":"2.0","id":"abc","method":"ping"}"#).id == .string("abc"))
        #expect(try parse(#"{"jsonrpc":"2.0","id":null,"method":"ping","params":null}"#).id == .null)
        let notification = try parse(#"{"method":"notifications/initialized","jsonrpc":"2.0"}"#)
        #expect(notification.isNotification)
        #expect(notification.params == nil)
        let meta = try parse(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"k":1}}}"#)
        #expect(meta.meta?["k"] == 1)
    }

    @Test(arguments: [
        ("{", "invalid JSON", JSONRPCID.null),
        ("", "invalid JSON", .null),
        (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, "batch requests are not supported", .null),
        ("7", "invalid JSON-RPC request: expected an object", .null),
        (#"{"id":1,"method":"ping"}"#, #"invalid JSON-RPC request: "jsonrpc" must be "2.0""#, .number("1")),
        (#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#, #"invalid JSON-RPC request: "jsonrpc" must be "2.0""#, .string("x")),
        (#"{"jsonrpc":"2.0","id":2}"#, "invalid JSON-RPC request: method is missing", .number("2")),
        (#"{"jsonrpc":"2.0","id":2,"method":5}"#, "invalid JSON-RPC request: method must be a string", .number("2")),
        (#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#, "invalid JSON-RPC request: id must be a string, a number or null", .null),
        (#"{"jsonrpc":"2.0","id":3,"method":"ping","params":[1]}"#, "invalid JSON-RPC request: params must be an object", .number("3")),
        (#"{"jsonrpc":"2.0","id":4,"result":{}}"#, "invalid JSON-RPC request: responses are not accepted", .number("4")),
    ] as [(String, String, JSONRPCID)])
    func refusesWhatIsNotOneRequest(body: String, message: String, id: JSONRPCID) throws {
        let error = try #require(#expect(throws: JSONRPCRequestError.self) { try parse(body) })
        #expect(error.code == .invalidRequest)
        #expect(error.message == message)
        #expect(error.id == id)
        #expect(error.response == ["jsonrpc": "2.0", "id": id.json, "error": ["code": -32600, "message": .string(message)]])
    }

    @Test func writesEnvelopes() throws {
        #expect(
            JSONWriter().string(JSONRPCResponse.result(id: .string("a"), ["tools": []]))
                == #"{"jsonrpc":"2.0","id":"a","result":{"tools":[]}}"#)
        #expect(
            JSONWriter().string(JSONRPCResponse.error(id: .number("1e2"), code: .methodNotFound, message: "nope"))
                == #"{"jsonrpc":"2.0","id":1e2,"error":{"code":-32601,"message":"nope"}}"#)
        #expect(
            JSONWriter().string(JSONRPCResponse.error(id: .null, code: .invalidParams, message: "m", data: ["x": 1]))
                == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32602,"message":"m","data":{"x":1}}}"#)
        #expect(
            [JSONRPCErrorCode.parseError, .invalidRequest, .methodNotFound, .invalidParams, .internalError,
             .headerMismatch, .missingRequiredClientCapability, .unsupportedProtocolVersion].map(\.rawValue)
                == [-32700, -32600, -32601, -32602, -32603, -32020, -32021, -32022])
    }
}
