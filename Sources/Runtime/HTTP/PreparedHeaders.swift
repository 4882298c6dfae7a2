/// Response header fields rendered once for responses that repeat them (a cached status
/// reply, the constant part of gRPC replies). On HTTP/2 the name/value bytes are handed
/// to nghttp2 straight from this buffer: no per-response copying of strings and no
/// reference counting per field, which is most of what building a header block costs.
public final class PreparedHeaders: Sendable {
    public let headers: HTTPHeaders
    /// Every name and value, back to back, in field order (connection-specific fields dropped).
    let bytes: [UInt8]
    /// Byte lengths of each kept field's name and value within `bytes`.
    let lengths: [(name: Int, value: Int)]
    let hasContentLength: Bool

    public init(_ headers: HTTPHeaders) {
        self.headers = headers
        var bytes: [UInt8] = []
        var lengths: [(name: Int, value: Int)] = []
        for field in headers where !HTTP2HeaderBlock.isConnectionSpecific(field.name) {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: field.value.utf8)
            lengths.append((field.name.utf8.count, field.value.utf8.count))
        }
        self.bytes = bytes
        self.lengths = lengths
        hasContentLength = headers.contains(lowercased: "content-length")
    }
}
