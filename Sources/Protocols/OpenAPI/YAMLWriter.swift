/// Writes a ``JSONValue`` as a block-style YAML document that YAML 1.1 and 1.2 readers
/// (PyYAML, Go's yaml, JS yaml) read back as the same value — the OpenAPI `.yaml` routes.
///
/// Mappings and sequences are written in block style with 2-space indentation (sequence
/// items under a key are indented too); empty ones as `{}` and `[]`. A string is written
/// plain only when no reader could take it for anything else: it starts with an ASCII
/// letter, `/` or `_`, holds only letters, digits, spaces and `_ . / - + @ $ ( )`, does not
/// end in a space, and is not one of YAML 1.1's booleans or nulls in any case (`yes`, `No`,
/// `on`, `OFF`, `y`, `null`, …). Everything else is double-quoted with escapes: `1e3`,
/// `3.1.0`, `200`, `#x`, `a: b`, `-x`, leading or trailing spaces, the empty string,
/// non-ASCII text (written raw, except line separators and non-printable characters, which
/// are escaped). Keys follow the same rule. Numbers keep their JSON text, except that an
/// exponent without a fraction gets `.0` and a sign (`1e3` → `1.0e+3`), since YAML 1.1
/// reads `1e3` as a string.
public struct YAMLWriter: Sendable {
    /// A writer.
    public init() {}

    /// The document, ending in a newline.
    public func string(_ value: JSONValue) -> String {
        var out = ""
        switch value {
        case .object(let object) where !object.isEmpty:
            writeMapping(object, indent: 0, into: &out)
        case .array(let items) where !items.isEmpty:
            writeSequence(items, indent: 0, into: &out)
        default:
            out += Self.scalar(value) + "\n"
        }
        return out
    }

    /// Entries of a non-empty mapping, each on its own line at `indent`.
    private func writeMapping(_ object: JSONObject, indent: Int, into out: inout String) {
        for entry in object {
            out += String(repeating: " ", count: indent)
            writeEntry(entry.key, entry.value, indent: indent, into: &out)
        }
    }

    /// `key: value`; the line's indentation is already written.
    private func writeEntry(_ key: String, _ value: JSONValue, indent: Int, into out: inout String) {
        out += Self.quotedIfNeeded(key) + ":"
        switch value {
        case .object(let object) where !object.isEmpty:
            out += "\n"
            writeMapping(object, indent: indent + 2, into: &out)
        case .array(let items) where !items.isEmpty:
            out += "\n"
            writeSequence(items, indent: indent + 2, into: &out)
        default:
            out += " " + Self.scalar(value) + "\n"
        }
    }

    /// Items of a non-empty sequence, each starting `- ` at `indent`.
    private func writeSequence(_ items: [JSONValue], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            out += pad + "-"
            switch item {
            case .object(let object) where !object.isEmpty:
                // The first entry shares the dash's line; the rest align under it.
                var first = true
                for entry in object {
                    if first {
                        out += " "
                        first = false
                    } else {
                        out += pad + "  "
                    }
                    writeEntry(entry.key, entry.value, indent: indent + 2, into: &out)
                }
            case .array(let nested) where !nested.isEmpty:
                out += "\n"
                writeSequence(nested, indent: indent + 2, into: &out)
            default:
                out += " " + Self.scalar(item) + "\n"
            }
        }
    }

    /// A scalar (or an empty collection) in flow form.
    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let text): number(text)
        case .string(let text): quotedIfNeeded(text)
        case .array: "[]"
        case .object: "{}"
        }
    }

    /// JSON number text in a form YAML 1.1 and 1.2 both read as a number.
    static func number(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        var mantissa = String(text[..<e])
        var exponent = String(text[text.index(after: e)...])
        if !mantissa.contains(".") { mantissa += ".0" }
        if !exponent.hasPrefix("+") && !exponent.hasPrefix("-") { exponent = "+" + exponent }
        return mantissa + "e" + exponent
    }

    /// YAML 1.1 booleans and nulls, compared lower-cased.
    private static let reservedWords: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]

    /// `text` plain when that is unambiguous, else double-quoted.
    static func quotedIfNeeded(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last, last != UInt8(ascii: " ") else { return false }
        switch first {
        case 65...90, 97...122, UInt8(ascii: "/"), UInt8(ascii: "_"): break
        default: return false
        }
        for byte in text.utf8 {
            switch byte {
            case 48...57, 65...90, 97...122: continue
            case UInt8(ascii: " "), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "-"),
                UInt8(ascii: "+"), UInt8(ascii: "@"), UInt8(ascii: "$"), UInt8(ascii: "("), UInt8(ascii: ")"):
                continue
            default: return false
            }
        }
        return !reservedWords.contains(text.lowercased())
    }

    /// A YAML double-quoted scalar: `"` and `\` escaped, control characters, DEL, C1
    /// controls, line and paragraph separators, U+FEFF and U+FFFE/U+FFFF as `\uXXXX`
    /// (or `\n`, `\t`, `\r`); other characters as they are.
    static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
