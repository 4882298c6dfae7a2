import Protocols
import Testing

/// The error body `{"code","message"[,"details"]}` and the end-of-stream message.
@Suite struct ConnectErrorTests {
    @Test func writesErrorBodies() throws {
        let error = ConnectError(.notFound, "method is not exposed by capset")
        #expect(JSONWriter().string(error.json) == #"{"code":"not_found","message":"method is not exposed by capset"}"#)
        #expect(error.httpStatus == 404)
        #expect(JSONWriter().string(ConnectError(.internal, "").json) == #"{"code":"internal","message":""}"#)
        let detailed = ConnectError(
            .resourceExhausted, "slow down",
            details: [ConnectError.Detail(type: "google.rpc.RetryInfo", value: [0x0A, 0x02, 0x08, 0x05], debug: ["retryDelay": "5s"])])
        #expect(
            JSONWriter().string(detailed.json)
                == #"{"code":"resource_exhausted","message":"slow down","details":[{"type":"google.rpc.RetryInfo","value":"CgIIBQ","debug":{"retryDelay":"5s"}}]}"#
        )
        #expect(try ConnectError(json: detailed.json) == detailed)
        #expect(try ConnectError(json: ["code": "aborted"]) == ConnectError(.aborted, ""))
        let padded = try ConnectError(json: ["code": "unknown", "details": [["type": "t", "value": "CgIIBQ=="]]])
        #expect(padded.details.first?.value == [0x0A, 0x02, 0x08, 0x05])
    }

    @Test(arguments: [
        (#"[]"#, "Connect error must be an object, got array"),
        (#"{"message":"x"}"#, "Connect error has no valid code"),
        (#"{"code":"NOT_FOUND"}"#, "Connect error has no valid code"),
        (#"{"code":"internal","message":5}"#, "Connect error message must be a string"),
        (#"{"code":"internal","details":{}}"#, "Connect error details must be an array"),
        (#"{"code":"internal","details":[{"type":"t","value":"!!"}]}"#, "Connect error detail needs a string type and a base64 value"),
    ])
    func refusesBadErrorBodies(body: String, message: String) throws {
        let error = #expect(throws: ConnectProtocolError.self) { try ConnectError(json: try json(body)) }
        #expect(error?.message == message)
        #expect(error?.code == .invalidArgument)
    }

    @Test func writesAndReadsEndOfStreamMessages() throws {
        #expect(JSONWriter().string(ConnectEndStream().json) == "{}")
        let end = ConnectEndStream(
            error: ConnectError(.unavailable, "backend instance is not running"),
            metadata: [("x-octobus-ext-trace", ["a", "b"]), ("empty", [])])
        let text = JSONWriter().string(end.json)
        #expect(
            text
                == #"{"error":{"code":"unavailable","message":"backend instance is not running"},"metadata":{"x-octobus-ext-trace":["a","b"],"empty":[]}}"#
        )
        #expect(try ConnectEndStream(payload: Array(text.utf8)) == end)
        #expect(try ConnectEndStream(payload: Array(#"{"error":null,"metadata":{}}"#.utf8)) == ConnectEndStream())
        for bad in ["", "[]", #"{"error":{"code":"x"}}"#, #"{"metadata":[]}"#, #"{"metadata":{"k":"v"}}"#, #"{"metadata":{"k":[1]}}"#] {
            #expect(throws: ConnectProtocolError.self, "\(bad)") { try ConnectEndStream(payload: Array(bad.utf8)) }
        }
    }

    @Test(arguments: [("0", 0), ("1", 1), ("30000", 30000), (" 250 ", 250), ("9999999999", 9_999_999_999)] as [(String, UInt64)])
    func parsesTimeouts(text: String, milliseconds: UInt64) throws {
        #expect(try ConnectTimeout.parseMilliseconds(text) == milliseconds)
    }

    @Test(arguments: ["", " ", "12345678901", "-1", "1.5", "1e3", "+5", "5s", "٣"])
    func refusesBadTimeouts(text: String) {
        #expect(throws: ConnectProtocolError.self) { try ConnectTimeout.parseMilliseconds(text) }
    }

    @Test func parsesContentTypes() {
        #expect(ConnectContentType.parse("application/json") == ConnectContentType(codec: .json, isStreaming: false))
        #expect(ConnectContentType.parse("Application/JSON; charset=UTF-8") == ConnectContentType(codec: .json, isStreaming: false))
        #expect(ConnectContentType.parse("application/proto") == ConnectContentType(codec: .proto, isStreaming: false))
        #expect(ConnectContentType.parse("application/connect+json") == ConnectContentType(codec: .json, isStreaming: true))
        #expect(ConnectContentType.parse("application/connect+proto")?.headerValue == "application/connect+proto")
        for refused in ["text/plain", "application/json; charset=latin1", "application/proto; charset=utf-8",
                        "application/grpc", "application/json;x=1", ""] {
            #expect(ConnectContentType.parse(refused) == nil, "\(refused)")
        }
    }
}
