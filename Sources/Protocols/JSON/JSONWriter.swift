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
        // Fast path: plain ASCII needing no escapes is copied in one piece, scanned over the
        // string's contiguous bytes (iterating `utf8` one index at a time costs far more).
        var string = string
        let copied = string.withUTF8 { bytes -> Bool in
            for byte in bytes where byte < 0x20 || byte >= 0x80 || byte == 34 || byte == 92 || byte == 0x3C || byte == 0x3E || byte == 0x26 {
                return false
            }
            out.append(contentsOf: bytes)
            return true
        }
        if copied {
            out.append(34)
            return
        }
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 34: out.append(contentsOf: [92, 34])
            case 92: out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, 110])
            case 13: out.append(contentsOf: [92, 114])
            case 9: out.append(contentsOf: [92, 116])
            case 0..<32, 0x3C, 0x3E, 0x26, 0x2028, 0x2029:
                out.append(contentsOf: "\\u".utf8)
                let hex = String(scalar.value, radix: 16)
                out.append(contentsOf: String(repeating: "0", count: 4 - hex.count).utf8)
                out.append(contentsOf: hex.utf8)
            default:
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
        }
        out.append(34)
    }

    public static func quoted(_ string: String) -> String {
        var out: [UInt8] = []
        writeString(string, into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
