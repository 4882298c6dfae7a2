/// JSON-RPC 2.0 response envelopes, as MCP replies are written: `jsonrpc` first, then the
/// echoed `id`, then `result` or `error`.
public enum JSONRPCResponse {
    /// `{"jsonrpc":"2.0","id":<id>,"result":<result>}`.
    public static func result(id: JSONRPCID, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id.json, "result": result]
    }

    /// `{"jsonrpc":"2.0","id":<id>,"error":{"code":<code>,"message":<message>[,"data":<data>]}}`.
    public static func error(id: JSONRPCID, code: JSONRPCErrorCode, message: String, data: JSONValue? = nil) -> JSONValue {
        var error: JSONObject = ["code": .int(code.rawValue), "message": .string(message)]
        if let data { error["data"] = data }
        return ["jsonrpc": "2.0", "id": id.json, "error": .object(error)]
    }
}
