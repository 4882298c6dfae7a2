/// A compiled schema: every reachable subschema as a node in one array, so `$ref` cycles are
/// plain indices and the whole thing is an immutable, `Sendable` value.
struct SchemaProgram: Sendable {
    var nodes: [SchemaNode] = []
    var root = 0
    /// Per schema resource (a document root or a subschema with `$id`): its `$dynamicAnchor`s.
    var dynamicAnchors: [[String: Int]] = []
}
