/// One subschema.
enum SchemaNode: Sendable {
    /// `true` or `false`.
    case boolean(Bool)
    case object(SchemaObject)
}
