import CNghttp2

/// Response header fields rendered once for responses that repeat them (a cached status
/// reply, the constant part of gRPC replies). On HTTP/2 the nghttp2 name/value array is
/// built here once, pointing into bytes this object owns; a response copies the array to
/// the stack and adds `:status`. No per-response copying of strings and no reference
/// counting per field, which is most of what building a header block costs.
public final class PreparedHeaders: @unchecked Sendable {
    public let headers: HTTPHeaders
    let hasContentLength: Bool
    /// Kept fields (connection-specific ones dropped), ready for nghttp2; immutable after init.
    let nameValues: UnsafeMutableBufferPointer<nghttp2_nv>
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    public init(_ headers: HTTPHeaders) {
        self.headers = headers
        hasContentLength = headers.contains(lowercased: "content-length")
        let kept = headers.fields.filter { !HTTP2HeaderBlock.isConnectionSpecific($0.name) }
        let total = kept.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        bytes = .allocate(capacity: max(total, 1))
        nameValues = .allocate(capacity: kept.count)
        var offset = 0
        for (index, field) in kept.enumerated() {
            let name = bytes.baseAddress! + offset
            offset += UnsafeMutableBufferPointer(start: name, count: field.name.utf8.count).initialize(from: field.name.utf8).1
            let value = bytes.baseAddress! + offset
            offset += UnsafeMutableBufferPointer(start: value, count: field.value.utf8.count).initialize(from: field.value.utf8).1
            nameValues[index] = octo_nv(name, field.name.utf8.count, value, field.value.utf8.count)
        }
    }

    deinit {
        bytes.deallocate()
        nameValues.deallocate()
    }
}
