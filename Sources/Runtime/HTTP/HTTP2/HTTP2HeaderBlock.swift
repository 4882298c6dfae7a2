import CNghttp2
import Glibc

/// Builds the `nghttp2_nv` array for a header block in one temporary allocation.
/// nghttp2 copies name/value bytes during `nghttp2_submit_*`, so the block only has to
/// outlive that call. Connection-specific fields (RFC 9113 §8.2.2) are dropped.
enum HTTP2HeaderBlock {
    /// A response block: `:status` then `headers`.
    static func withNameValues<R>(status: Int, headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: (":status", statusText(status)), extraPseudo: [], headers: headers, body)
    }

    /// A block of regular fields only (trailers).
    static func withNameValues<R>(headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: nil, extraPseudo: [], headers: headers, body)
    }

    /// A request block: the four request pseudo-headers then `headers`.
    static func withNameValues<R>(pseudo: [(String, String)], headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: nil, extraPseudo: pseudo, headers: headers, body)
    }

    /// `pseudo` is a single leading field (no array allocation on the response path).
    private static func withNameValues<R>(
        pseudo: (String, String)?, extraPseudo: [(String, String)], headers: HTTPHeaders,
        _ body: (UnsafePointer<nghttp2_nv>, Int) -> R
    ) -> R {
        var total = 0
        if let pseudo { total += pseudo.0.utf8.count + pseudo.1.utf8.count }
        for (name, value) in extraPseudo { total += name.utf8.count + value.utf8.count }
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        let count = (pseudo == nil ? 0 : 1) + extraPseudo.count + headers.count
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
                if let pseudo { put(pseudo.0, pseudo.1) }
                for (name, value) in extraPseudo { put(name, value) }
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

    static func statusText(_ status: Int) -> String {
        switch status {
        case 200: "200"
        case 404: "404"
        default: String(status)
        }
    }
}
