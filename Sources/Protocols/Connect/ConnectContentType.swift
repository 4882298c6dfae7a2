/// The Connect content types: unary `application/json` (optionally `; charset=utf-8`) and
/// `application/proto`, streaming `application/connect+json` and `application/connect+proto`.
public struct ConnectContentType: Sendable, Equatable {
    /// How messages are encoded.
    public enum Codec: String, Sendable, CaseIterable {
        /// ProtoJSON.
        case json
        /// Protobuf binary.
        case proto
    }

    /// The message codec.
    public let codec: Codec
    /// Whether the body is enveloped (streaming) rather than one bare message (unary).
    public let isStreaming: Bool

    /// A content type from its parts.
    public init(codec: Codec, isStreaming: Bool) {
        self.codec = codec
        self.isStreaming = isStreaming
    }

    /// Parses a `Content-Type` value (case-insensitive, spaces around parts ignored); nil for
    /// any other type or parameter (answer 415). Only `charset=utf-8` is accepted, and only
    /// on the JSON types.
    public static func parse(_ value: String) -> ConnectContentType? {
        // The exact values clients send, without splitting and lowercasing.
        switch value {
        case "application/json": return ConnectContentType(codec: .json, isStreaming: false)
        case "application/proto": return ConnectContentType(codec: .proto, isStreaming: false)
        case "application/connect+json": return ConnectContentType(codec: .json, isStreaming: true)
        case "application/connect+proto": return ConnectContentType(codec: .proto, isStreaming: true)
        default: break
        }
        let parts = value.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: " \t").lowercased()
        }
        let type: ConnectContentType
        switch parts[0] {
        case "application/json": type = ConnectContentType(codec: .json, isStreaming: false)
        case "application/proto": type = ConnectContentType(codec: .proto, isStreaming: false)
        case "application/connect+json": type = ConnectContentType(codec: .json, isStreaming: true)
        case "application/connect+proto": type = ConnectContentType(codec: .proto, isStreaming: true)
        default: return nil
        }
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
            guard type.codec == .json, pair.count == 2, pair[0] == "charset",
                pair[1] == "utf-8" || pair[1] == "\"utf-8\""
            else { return nil }
        }
        return type
    }

    /// The canonical header value (`application/json`, `application/connect+proto`).
    public var headerValue: String {
        (isStreaming ? "application/connect+" : "application/") + codec.rawValue
    }
}

extension StringProtocol {
    /// The string without leading and trailing characters from `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var start = startIndex
        var end = endIndex
        while start < end, set.contains(self[start]) { start = index(after: start) }
        while end > start, set.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
