/// `tools/call` (SPEC §8.5): its params, and the results a call produces. Failures are
/// tool results, not JSON-RPC errors.
public struct MCPToolCall: Sendable, Equatable {
    /// `params.name`.
    public let name: String
    /// `params.arguments`; `{}` when absent or null.
    public let arguments: JSONValue

    /// Reads `{"name": string, "arguments"?: object|null}`.
    /// - Throws: the failure result to answer with: `INVALID_ARGUMENT "invalid tools/call params"`.
    public init(params: JSONObject?) throws(MCPToolCallFailure) {
        let invalid = MCPToolCallFailure(code: .invalidArgument, message: "invalid tools/call params")
        guard let params, case .string(let name)? = params["name"] else { throw invalid }
        switch params["arguments"] {
        case nil, .null?: arguments = .object(JSONObject())
        case .object(let object)?: arguments = .object(object)
        default: throw invalid
        }
        self.name = name
    }

    /// A successful call: `{"structuredContent":<response>,"content":[{"type":"text","text":"<same JSON>"}]}`.
    public static func successResult(_ response: JSONValue) -> JSONValue {
        ["structuredContent": response, "content": [["type": "text", "text": .string(JSONWriter().string(response))]]]
    }
}

/// A failed `tools/call`, answered as a result (SPEC §8.5):
/// `{"structuredContent":{"error":{"code":"<NAME>","message":M,"details":{}}},"content":[{"type":"text","text":"<that JSON>"}]}`.
public struct MCPToolCallFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The gRPC status of the failure (written by its upper-case name).
    public let code: GRPCStatusCode
    /// The message.
    public let message: String

    /// A failure with `code` and `message`.
    public init(code: GRPCStatusCode, message: String) {
        self.code = code
        self.message = message
    }

    /// The tool result. Upstream never marks failures `isError` (SPEC §13.11); pass
    /// `markedAsError: true` when the tool advertises an `outputSchema`: clients validate the
    /// `structuredContent` of every result not marked `isError` against it (the Python SDK
    /// raises), and the error object is not a response message.
    public func result(markedAsError: Bool) -> JSONValue {
        let error: JSONValue = [
            "error": ["code": .string(code.name), "message": .string(message), "details": .object(JSONObject())]
        ]
        var object: JSONObject = [
            "structuredContent": error, "content": [["type": "text", "text": .string(JSONWriter().string(error))]],
        ]
        if markedAsError { object["isError"] = true }
        return .object(object)
    }

    /// `<NAME>: <message>`.
    public var description: String { code.name + ": " + message }
}
