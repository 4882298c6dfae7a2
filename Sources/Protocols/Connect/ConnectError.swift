/// A Connect error as its JSON body (unary error responses, the `error` of an end-of-stream
/// message): `{"code":"<connect_code>","message":"…"[,"details":[…]]}` (SPEC §8.4).
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One error detail: a protobuf message as its type name and binary serialization.
    public struct Detail: Sendable, Equatable {
        /// The message's full type name (`google.rpc.RetryInfo`), without a URL prefix.
        public let type: String
        /// The serialized message.
        public let value: [UInt8]
        /// A JSON view of the message for people, if the sender added one.
        public let debug: JSONValue?

        /// A detail from its parts.
        public init(type: String, value: [UInt8], debug: JSONValue? = nil) {
            self.type = type
            self.value = value
            self.debug = debug
        }
    }

    /// The code.
    public let code: ConnectErrorCode
    /// The message (backend messages are passed on as they are).
    public let message: String
    /// Details, in order.
    public let details: [Detail]

    /// An error with `code`, `message` and `details`.
    public init(_ code: ConnectErrorCode, _ message: String, details: [Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// The HTTP status of a unary response carrying this error.
    public var httpStatus: Int { code.httpStatus }

    /// The JSON body. `message` is always written (SPEC §8.4's shape); `details` only when
    /// there are some, each `{"type":…,"value":<unpadded standard base64>[,"debug":…]}`.
    public var json: JSONValue {
        var object: JSONObject = ["code": .string(code.name), "message": .string(message)]
        if !details.isEmpty {
            object["details"] = .array(
                details.map { detail in
                    var item: JSONObject = [
                        "type": .string(detail.type),
                        "value": .string(String(ProtoJSONBase64.encode(detail.value).prefix { $0 != "=" })),
                    ]
                    if let debug = detail.debug { item["debug"] = debug }
                    return .object(item)
                })
        }
        return .object(object)
    }

    /// Reads an error body. `code` must be a known code name; `message` is optional (a
    /// string); `details` entries need a string `type` and a base64 `value` (standard or
    /// URL-safe, padded or not). Unknown keys are ignored, as Connect clients do.
    /// - Throws: ``ConnectProtocolError`` naming what is wrong.
    public init(json: JSONValue) throws(ConnectProtocolError) {
        guard case .object(let object) = json else {
            throw ConnectProtocolError("Connect error must be an object, got \(json.kindName)")
        }
        guard case .string(let name)? = object["code"], let code = ConnectErrorCode(name: name) else {
            throw ConnectProtocolError("Connect error has no valid code")
        }
        var message = ""
        switch object["message"] {
        case nil, .null?: break
        case .string(let text)?: message = text
        default: throw ConnectProtocolError("Connect error message must be a string")
        }
        var details: [Detail] = []
        switch object["details"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let type)? = item["type"], case .string(let encoded)? = item["value"],
                    let value = ProtoJSONBase64.decode(encoded)
                else { throw ConnectProtocolError("Connect error detail needs a string type and a base64 value") }
                details.append(Detail(type: type, value: value, debug: item["debug"]))
            }
        default: throw ConnectProtocolError("Connect error details must be an array")
        }
        self.init(code, message, details: details)
    }

    /// `<code>: <message>`.
    public var description: String { code.name + ": " + message }
}

/// Bytes or JSON that break the Connect protocol (an envelope, an end-of-stream message, an
/// error body, a GET query), with the Connect code to answer with.
public struct ConnectProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The code to answer with (``ConnectErrorCode/invalidArgument`` unless said otherwise).
    public let code: ConnectErrorCode
    /// What is wrong.
    public let message: String

    /// An error saying `message`, answered with `code`.
    public init(_ message: String, code: ConnectErrorCode = .invalidArgument) {
        self.code = code
        self.message = message
    }

    /// The error as a Connect error body.
    public var connectError: ConnectError { ConnectError(code, message) }

    /// The message.
    public var description: String { message }
}
