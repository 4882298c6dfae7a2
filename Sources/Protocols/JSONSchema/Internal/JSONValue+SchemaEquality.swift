/// JSON Schema's notion of equality (used by `const`, `enum` and `uniqueItems`): numbers
/// compare by value (`1 == 1.0`), objects ignore key order, everything else is structural.
extension JSONValue {
    func schemaEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.number(let a), .number(let b)):
            if a == b { return true }
            guard let x = SchemaNumber(a), let y = SchemaNumber(b) else { return false }
            return x == y
        case (.array(let a), .array(let b)):
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where !x.schemaEquals(y) { return false }
            return true
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            if a.count > 16 {
                var lookup: [SchemaExactString: JSONValue] = [:]
                for entry in b { lookup[SchemaExactString(entry.key)] = entry.value }
                for entry in a {
                    guard let value = lookup[SchemaExactString(entry.key)], entry.value.schemaEquals(value) else {
                        return false
                    }
                }
                return true
            }
            for entry in a {
                guard let value = b.exactValue(entry.key), entry.value.schemaEquals(value) else { return false }
            }
            return true
        default:
            return false
        }
    }

    /// A text that is equal for two values exactly when ``schemaEquals(_:)`` holds: numbers
    /// in canonical form, object keys sorted. `uniqueItems` hashes it.
    var schemaCanonicalForm: String {
        var out = ""
        appendCanonicalForm(to: &out)
        return out
    }

    private func appendCanonicalForm(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += SchemaNumber(n)?.description ?? n
        case .string(let s): out += JSONWriter.quoted(s)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.appendCanonicalForm(to: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (index, entry) in object.sortedByKey().entries.enumerated() {
                if index > 0 { out += "," }
                out += JSONWriter.quoted(entry.key)
                out += ":"
                entry.value.appendCanonicalForm(to: &out)
            }
            out += "}"
        }
    }
}
