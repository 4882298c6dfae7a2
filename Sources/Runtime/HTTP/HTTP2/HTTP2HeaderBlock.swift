import CNghttp2
import Glibc

/// Builds the `nghttp2_nv` array for a header block in one temporary allocation.
/// nghttp2 copies name/value bytes during `nghttp2_submit_*`, so the block only has to
/// outlive that call. Connection-specific fields (RFC 9113 §8.2.2) are dropped.
enum HTTP2HeaderBlock {
    /// A response block: `:status` then `headers`.
    static func withNameValues<R>(status: Int, headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: [(":status", statusText(status))], headers: headers, body)
    }

    /// A block of regular fields only (trailers).
    static func withNameValues<R>(headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: [], headers: headers, body)
    }

    static func withNameValues<R>(
        pseudo: [(String, String)], headers: HTTPHeaders,
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> R
    ) -> R {
        var total = 0
        for (name, value) in pseudo { total += name.utf8.count + value.utf8.count }
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        let count = pseudo.count + headers.count
        return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 1) { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(count, 1)) { nvs in
                let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                var offset = 0
                var index = 0
                func copy(_ text: String) -> Int {
                    let start = offset
                    var text = text
                    text.withUTF8 { utf8 in
                        if utf8.count > 0 { memcpy(base + offset, utf8.baseAddress!, utf8.count) }
                        offset += utf8.count
                    }
                    return start
                }
                func put(_ name: String, _ value: String) {
                    let nameStart = copy(name)
                    let valueStart = copy(value)
                    nvs[index] = octo_nv(base + nameStart, valueStart - nameStart, base + valueStart, offset - valueStart)
                    index += 1
                }
                for (name, value) in pseudo { put(name, value) }
                for field in headers where !isConnectionSpecific(field.name) { put(field.name, field.value) }
                return body(UnsafePointer(nvs.baseAddress!), index)
            }
        }
    }

    /// Whether a header must not appear in HTTP/2 (RFC 9113 §8.2.2).
    static func isConnectionSpecific(_ name: String) -> Bool {
        switch name.utf8.count {
        case 7: name == "upgrade"
        case 10: name == "connection" || name == "keep-alive"
        case 14: name == "http2-settings"
        case 16: name == "proxy-connection"
        case 17: name == "transfer-encoding"
        default: false
        }
    }

    private static let commonStatus: [Int: String] = [200: "200", 204: "204", 400: "400", 404: "404", 500: "500"]

    static func statusText(_ status: Int) -> String {
        commonStatus[status] ?? String(status)
    }
}
