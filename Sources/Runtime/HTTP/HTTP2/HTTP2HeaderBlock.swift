import CNghttp2

/// Builds the `nghttp2_nv` array for a header block in one contiguous allocation.
/// nghttp2 copies name/value bytes during `nghttp2_submit_*`, so the block only has to
/// outlive that call.
enum HTTP2HeaderBlock {
    static func withNameValues<R>(
        pseudo: [(String, String)], headers: HTTPHeaders,
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> R
    ) -> R {
        var total = 0
        for (name, value) in pseudo { total += name.utf8.count + value.utf8.count }
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        let count = pseudo.count + headers.count
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { bytes.deallocate() }
        let nvs = UnsafeMutablePointer<nghttp2_nv>.allocate(capacity: max(count, 1))
        defer { nvs.deallocate() }
        var offset = 0
        var index = 0
        func put(_ name: String, _ value: String) {
            let nameStart = offset
            for b in name.utf8 { bytes[offset] = b; offset += 1 }
            let valueStart = offset
            for b in value.utf8 { bytes[offset] = b; offset += 1 }
            let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
            nvs[index] = octo_nv(base + nameStart, valueStart - nameStart, base + valueStart, offset - valueStart)
            index += 1
        }
        for (name, value) in pseudo { put(name, value) }
        for field in headers { put(field.name, field.value) }
        return body(nvs, count)
    }

    /// Whether a header must not appear in HTTP/2 (RFC 9113 §8.2.2).
    static func isConnectionSpecific(_ name: String) -> Bool {
        switch name {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings": true
        default: false
        }
    }
}
