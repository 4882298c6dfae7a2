import Runtime

/// How a Connect request's message is compressed: `Content-Encoding` (unary POST),
/// `Connect-Content-Encoding` (streaming; envelopes flagged compressed) or the `compression`
/// query parameter (GET). OctoBus reads `identity` and `gzip` — gzip is what Connect clients
/// send by default (the Python `connectrpc` client compresses every request) — and answers
/// uncompressed.
public enum ConnectCompression: String, Sendable, Equatable {
    case identity
    case gzip

    /// What the gateway accepts, for an `Accept-Encoding` / `Connect-Accept-Encoding` answer.
    public static let accepted = "gzip"

    /// The request header naming the compression of unary and streaming bodies.
    public static func headerName(streaming: Bool) -> String {
        streaming ? "connect-content-encoding" : "content-encoding"
    }

    /// Reads a header or query value: absent, empty or `identity` → identity; `gzip`.
    /// - Throws: `unimplemented` for any other compression (Connect protocol).
    public static func parse(_ value: String?) throws(ConnectProtocolError) -> ConnectCompression {
        guard let value = value?.trimmingASCIIWhitespace().lowercased(), !value.isEmpty else { return .identity }
        guard let compression = ConnectCompression(rawValue: value) else {
            throw ConnectProtocolError(
                "compression \(JSONWriter.quoted(value)) is not supported (use gzip or identity)", code: .unimplemented)
        }
        return compression
    }

    /// The message bytes behind `bytes`, at most `limit` of them.
    /// - Throws: `resource_exhausted` past the limit, `invalid_argument` for bytes that are not
    ///   valid in this compression.
    public func decompress(_ bytes: [UInt8], limit: Int) throws(ConnectProtocolError) -> [UInt8] {
        switch self {
        case .identity:
            return bytes
        case .gzip:
            do {
                return try GzipDecoder.decompress(bytes, limit: limit)
            } catch {
                switch error {
                case .tooLarge(let limit):
                    throw ConnectProtocolError("decompressed message exceeds \(limit) bytes", code: .resourceExhausted)
                case .corrupt:
                    throw ConnectProtocolError("request message is not valid gzip: \(error)")
                }
            }
        }
    }
}
