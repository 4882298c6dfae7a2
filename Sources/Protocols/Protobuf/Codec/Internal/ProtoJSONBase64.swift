/// Base64 for ProtoJSON `bytes`: written in the standard alphabet with padding; read in the
/// standard or URL-safe alphabet, padded or not. Stray characters are an error, not skipped.
enum ProtoJSONBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let b0 = iterator.next() {
            let b1 = iterator.next()
            let b2 = iterator.next()
            let group = UInt32(b0) << 16 | UInt32(b1 ?? 0) << 8 | UInt32(b2 ?? 0)
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(b1 != nil ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(b2 != nil ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The decoded bytes, or nil if `text` is not base64.
    static func decode(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        var end = bytes.count
        var padding = 0
        while end > 0, bytes[end - 1] == UInt8(ascii: "=") {
            end -= 1
            padding += 1
        }
        guard padding <= 2, end % 4 != 1 else { return nil }
        if padding > 0, bytes.count % 4 != 0 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(end * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes[..<end] {
            let value: UInt32
            switch byte {
            case 65...90: value = UInt32(byte - 65)
            case 97...122: value = UInt32(byte - 71)
            case 48...57: value = UInt32(byte + 4)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }
}
