/// One JSON-RPC 2.0 request or notification as MCP's streamable HTTP transport receives it:
/// a single object (batches are not supported), `"jsonrpc": "2.0"`, a string `method`, an
/// optional object `params`, and an `id` (string, number or null) unless it is a notification.
public struct JSONRPCRequest: Sendable, Equatable {
    /// The request's id; nil for a notification (no `id` member at all).
    public let id: JSONRPCID?
    /// The method name (`tools/call`).
    public let method: String
    /// The params object; nil when absent or null.
    public let params: JSONObject?

    /// A request from its parts.
    public init(id: JSONRPCID?, method: String, params: JSONObject?) {
        self.id = id
        self.method = method
        self.params = params
    }

    /// A notification: no reply is owed (HTTP 202, empty body).
    public var isNotification: Bool { id == nil }

    /// `params._meta`, if it is an object.
    public var meta: JSONObject? { params?["_meta"]?.objectValue }

    /// Parses a POST body. Failures say which JSON-RPC error to answer with, and the id to
    /// answer to when it could be read (else null):
    /// - not JSON: ``JSONRPCErrorCode/invalidRequest`` `"invalid JSON"` (SPEC §8.5);
    /// - an array (a batch): `"batch requests are not supported"`;
    /// - anything else that is not one request or notification object (a wrong `jsonrpc`,
    ///   no string `method`, an id that is not a string, number or null, non-object params, a
    ///   posted response): ``JSONRPCErrorCode/invalidRequest`` naming the problem.
    public static func parse(_ body: [UInt8]) throws(JSONRPCRequestError) -> JSONRPCRequest {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw JSONRPCRequestError(.invalidRequest, "invalid JSON", id: .null)
        }
        return try parse(json)
    }

    /// Parses an already decoded body, with the rules of the byte-level `parse`.
    public static func parse(_ json: JSONValue) throws(JSONRPCRequestError) -> JSONRPCRequest {
        guard case .object(let object) = json else {
            if case .array = json {
                throw JSONRPCRequestError(.invalidRequest, "batch requests are not supported", id: .null)
            }
            throw JSONRPCRequestError(.invalidRequest, "invalid JSON-RPC request: expected an object", id: .null)
        }
        var id: JSONRPCID?
        if let rawID = object["id"] {
            guard let parsed = JSONRPCID(rawID) else {
                throw JSONRPCRequestError(
                    .invalidRequest, "invalid JSON-RPC request: id must be a string, a number or null", id: .null)
            }
            id = parsed
        }
        let replyID = id ?? .null
        guard object["jsonrpc"] == .string("2.0") else {
            throw JSONRPCRequestError(.invalidRequest, #"invalid JSON-RPC request: "jsonrpc" must be "2.0""#, id: replyID)
        }
        guard let methodValue = object["method"] else {
            if object["result"] != nil || object["error"] != nil {
                throw JSONRPCRequestError(
                    .invalidRequest, "invalid JSON-RPC request: responses are not accepted", id: replyID)
            }
            throw JSONRPCRequestError(.invalidRequest, "invalid JSON-RPC request: method is missing", id: replyID)
        }
        guard case .string(let method) = methodValue else {
            throw JSONRPCRequestError(.invalidRequest, "invalid JSON-RPC request: method must be a string", id: replyID)
        }
        var params: JSONObject?
        switch object["params"] {
        case nil, .null?: params = nil
        case .object(let value)?: params = value
        default:
            throw JSONRPCRequestError(.invalidRequest, "invalid JSON-RPC request: params must be an object", id: replyID)
        }
        return JSONRPCRequest(id: id, method: method, params: params)
    }
}

/// Why a POST body is not a JSON-RPC request we accept: the error code and message to reply
/// with, and the id to reply to (``JSONRPCID/null`` when it could not be read).
public struct JSONRPCRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The JSON-RPC error code to answer with.
    public let code: JSONRPCErrorCode
    /// The error message to answer with.
    public let message: String
    /// The id to answer to.
    public let id: JSONRPCID

    /// An error reply of `code` saying `message`, to `id`.
    public init(_ code: JSONRPCErrorCode, _ message: String, id: JSONRPCID) {
        self.code = code
        self.message = message
        self.id = id
    }

    /// The error reply: `{"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…}}`.
    public var response: JSONValue { JSONRPCResponse.error(id: id, code: code, message: message) }

    /// The message.
    public var description: String { message }
}
