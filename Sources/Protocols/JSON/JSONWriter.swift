/// Serialises ``JSONValue``s: compact (wire) or pretty with 2-space indent (CLI),
/// optionally with object keys sorted.
public struct JSONWriter {
    public var pretty = false
    public var sortedKeys = false

    public init(pretty: Bool = false, sortedKeys: Bool = false) {
        self.pretty = pretty
        self.sortedKeys = sortedKeys
    }

    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    public func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(value, into: &out, indent: 0)
        return out
    }

    private func write(_ value: JSONValue, into out: inout [UInt8], indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent + 1)
                write(item, into: &out, indent: indent + 1)
            }
            newline(&out, indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { out.append(contentsOf: "{}".utf8); return }
            let entries = sortedKeys ? object.sortedByKey().entries : object.entries
            out.append(UInt8(ascii: "{"))
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(&out, indent + 1)
                Self.writeString(entry.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(32) }
                write(entry.value, into: &out, indent: indent + 1)
            }
            newline(&out, indent)
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ out: inout [UInt8], _ indent: Int) {
        guard pretty else { return }
        out.append(10)
        for _ in 0..<(indent * 2) { out.append(32) }
    }

    /// Writes a JSON string literal; escapes quotes, backslashes, control characters, and
    /// `<`, `>`, `&`, U+2028/2029 as Go's encoder does (safe to embed in HTML and JS).
    public static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(34)
        // One pass over the string's contiguous UTF-8: runs of bytes that need no escape are
        // copied in one piece (most strings are one run), escapes written in between.
        // Multi-byte UTF-8 passes through, except U+2028/U+2029 (E2 80 A8/A9), which are
        // escaped like `<`, `>` and `&` so the JSON is safe to embed in a script.
        var string = string
        string.withUTF8 { bytes in
            var run = 0
            var index = 0
            func escape(_ sequence: StaticString, skipping count: Int) {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                out.append(contentsOf: UnsafeBufferPointer(start: sequence.utf8Start, count: sequence.utf8CodeUnitCount))
                index += count
                run = index
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 34: escape("\\\"", skipping: 1)
                case 92: escape("\\\\", skipping: 1)
                case 10: escape("\\n", skipping: 1)
                case 13: escape("\\r", skipping: 1)
                case 9: escape("\\t", skipping: 1)
                case 0..<0x20, 0x3C, 0x3E, 0x26:
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                    out.append(92)  // \u00XX
                    out.append(117)
                    out.append(48)
                    out.append(48)
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0xF))
                    index += 1
                    run = index
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    escape(bytes[index + 2] == 0xA8 ? "\\u2028" : "\\u2029", skipping: 3)
                default:
                    index += 1
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<bytes.count]))
        }
        out.append(34)
    }

    /// A lower-case hex digit for `0...15`.
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? 48 + value : 87 + value
    }

    public static func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        writeString(string, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
