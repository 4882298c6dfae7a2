/// A subschema object's compiled keywords, in document order except that
/// `unevaluatedProperties`/`unevaluatedItems` come last (they read the others' annotations).
struct SchemaObject: Sendable {
    var keywords: [SchemaKeyword]
    /// The schema resource this object belongs to (index into ``SchemaProgram/dynamicAnchors``).
    var resource: Int
    /// Whether a keyword here needs the annotations of its siblings.
    var tracksEvaluation: Bool
}
