/// A place in one of the documents a schema is compiled from: document 0 is the caller's,
/// others are bundled meta-schemas loaded when a `$ref` names them.
struct SchemaLocation: Hashable, Sendable {
    var document: Int
    /// RFC 6901 pointer from the document root (escaped tokens).
    var pointer: String

    func appending(_ token: String) -> SchemaLocation {
        SchemaLocation(document: document, pointer: pointer + "/" + JSONPointer.escape(token))
    }

    /// The location one step up, nil at the root.
    var parent: SchemaLocation? {
        guard let slash = pointer.lastIndex(of: "/") else { return nil }
        return SchemaLocation(document: document, pointer: String(pointer[..<slash]))
    }
}
