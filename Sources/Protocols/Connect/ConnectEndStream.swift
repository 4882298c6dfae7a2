/// The end-of-stream message of a Connect streaming response (the payload of the envelope
/// flagged `0x02`, always JSON): `{"error"?:{"code","message","details"?},"metadata"?:{"key":["v",…]}}`.
public struct ConnectEndStream: Sendable, Equatable {
    /// The error that ended the stream; nil for success.
    public let error: ConnectError?
    /// Trailing metadata: each key with its values, in order.
    public let metadata: [(key: String, values: [String])]

    /// An end-of-stream message. Metadata keys are written as given (HTTP header names,
    /// conventionally lower case).
    public init(error: ConnectError? = nil, metadata: [(key: String, values: [String])] = []) {
        self.error = error
        self.metadata = metadata
    }

    /// The JSON payload; `{}` for a success without metadata.
    public var json: JSONValue {
        var object = JSONObject()
        if let error { object["error"] = error.json }
        if !metadata.isEmpty {
            var entries = JSONObject()
            for entry in metadata { entries[entry.key] = .array(entry.values.map(JSONValue.string)) }
            object["metadata"] = .object(entries)
        }
        return .object(object)
    }

    /// Reads an end-of-stream payload: a JSON object whose `error` (if present and not null)
    /// is a Connect error and whose `metadata` (if present) maps keys to arrays of strings.
    /// - Throws: ``ConnectProtocolError`` naming what is wrong.
    public init(payload: [UInt8]) throws(ConnectProtocolError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(payload)
        } catch {
            throw ConnectProtocolError("end-of-stream message is not JSON: \(error)")
        }
        guard case .object(let object) = json else {
            throw ConnectProtocolError("end-of-stream message must be an object, got \(json.kindName)")
        }
        var error: ConnectError?
        if let value = object["error"], !value.isNull { error = try ConnectError(json: value) }
        var metadata: [(key: String, values: [String])] = []
        switch object["metadata"] {
        case nil, .null?: break
        case .object(let entries)?:
            for (key, value) in entries {
                guard case .array(let items) = value else {
                    throw ConnectProtocolError("end-of-stream metadata \(JSONWriter.quoted(key)) must be an array")
                }
                var values: [String] = []
                for item in items {
                    guard case .string(let text) = item else {
                        throw ConnectProtocolError(
                            "end-of-stream metadata \(JSONWriter.quoted(key)) must hold strings")
                    }
                    values.append(text)
                }
                metadata.append((key, values))
            }
        default: throw ConnectProtocolError("end-of-stream metadata must be an object")
        }
        self.init(error: error, metadata: metadata)
    }

    /// Same error, same metadata keys in the same order with the same values.
    public static func == (a: ConnectEndStream, b: ConnectEndStream) -> Bool {
        a.error == b.error && a.metadata.count == b.metadata.count
            && zip(a.metadata, b.metadata).allSatisfy { $0.key == $1.key && $0.values == $1.values }
    }
}
