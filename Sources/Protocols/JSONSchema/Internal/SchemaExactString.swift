/// A string compared and hashed by its code points. Swift's `String` equality is canonical
/// equivalence (`"é" == "e\u{301}"`), but JSON Schema compares strings and property names
/// code point by code point.
struct SchemaExactString: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (a: SchemaExactString, b: SchemaExactString) -> Bool {
        a.value.utf8.elementsEqual(b.value.utf8)
    }

    func hash(into hasher: inout Hasher) {
        for byte in value.utf8 { hasher.combine(byte) }
    }
}
