import CNghttp2
import Glibc

/// Builds the `nghttp2_nv` array for a header block in one temporary allocation.
/// nghttp2 copies name/value bytes during `nghttp2_submit_*`, so the block only has to
/// outlive that call. Connection-specific fields (RFC 9113 §8.2.2) are dropped.
///
/// This runs once per response on the hot path, so it reads the field array through a
/// buffer pointer (no per-field retain/release) and copies each string through its
/// contiguous UTF-8 view (no mutable copy of the string).
enum HTTP2HeaderBlock {
    /// A response block: `:status` then `headers`.
    static func withNameValues<R>(status: Int, headers: HTTPHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        withNameValues(pseudo: (":status", statusText(status)), extraPseudo: [], headers: headers, body)
    }

    /// A response block from prepared fields: `:status` and a stack copy of the prepared
    /// nv array, whose names and values point into the prepared buffer (nghttp2 copies
    /// them during the submit call).
    static func withNameValues<R>(status: Int, prepared: PreparedHeaders, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        let statusBytes: (UInt8, UInt8, UInt8) = (UInt8(48 + status / 100 % 10), UInt8(48 + status / 10 % 10), UInt8(48 + status % 10))
        let count = prepared.nameValues.count
        return withUnsafeBytes(of: statusBytes) { statusText in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: count + 1) { nvs in
                let name = Self.statusName
                nvs[0] = octo_nv(name.utf8Start, name.utf8CodeUnitCount, statusText.baseAddress!.assumingMemoryBound(to: UInt8.self), 3)
                if count > 0 {
                    (nvs.baseAddress! + 1).update(from: prepared.nameValues.baseAddress!, count: count)
                }
                return body(UnsafePointer(nvs.baseAddress!), count + 1)
            }
        }
    }

    /// ":status": a literal's bytes live in static storage for the whole process.
    private static let statusName: StaticString = ":status"

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
        headers.fields.withUnsafeBufferPointer { fields in
            var total = 0
            if let pseudo { total += pseudo.0.utf8.count + pseudo.1.utf8.count }
            for (name, value) in extraPseudo { total += name.utf8.count + value.utf8.count }
            for index in fields.indices { total += fields[index].name.utf8.count + fields[index].value.utf8.count }
            let count = (pseudo == nil ? 0 : 1) + extraPseudo.count + fields.count
            return withUnsafeTemporaryAllocation(byteCount: max(total, 1), alignment: 1) { bytes in
                withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(count, 1)) { nvs in
                    var writer = Writer(base: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), nvs: nvs.baseAddress!)
                    if let pseudo { writer.put(pseudo.0, pseudo.1) }
                    for (name, value) in extraPseudo { writer.put(name, value) }
                    for index in fields.indices where !isConnectionSpecific(fields[index].name) {
                        writer.put(fields[index].name, fields[index].value)
                    }
                    return body(UnsafePointer(nvs.baseAddress!), writer.index)
                }
            }
        }
    }

    /// Appends name/value pairs to the byte area and the nv array.
    private struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        let nvs: UnsafeMutablePointer<nghttp2_nv>
        var offset = 0
        var index = 0

        @inline(__always)
        mutating func copy(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
            let start = base + offset
            let length = text.utf8.count
            if length > 0 {
                let done: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
                    memcpy(start, utf8.baseAddress!, length)
                }
                if done == nil { _ = UnsafeMutableBufferPointer(start: start, count: length).initialize(from: text.utf8) }
            }
            offset += length
            return (start, length)
        }

        @inline(__always)
        mutating func put(_ name: String, _ value: String) {
            let n = copy(name)
            let v = copy(value)
            nvs[index] = octo_nv(n.0, n.1, v.0, v.1)
            index += 1
        }
    }

    /// Whether a header must not appear in HTTP/2 (RFC 9113 §8.2.2).
    @inline(__always)
    static func isConnectionSpecific(_ name: String) -> Bool {
        HTTPHeaders.isConnectionSpecific(name)
    }

    static func statusText(_ status: Int) -> String {
        switch status {
        case 200: "200"
        case 404: "404"
        default: String(status)
        }
    }
}
