/// A `$dynamicRef`: the statically resolved target, and the anchor name to look up in the
/// dynamic scope when that target itself declares a matching `$dynamicAnchor`.
struct SchemaDynamicReference: Sendable {
    let target: Int
    /// Set only when the reference is dynamic (2020-12 §8.2.3.2's "bookend" rule holds).
    let anchor: String?
}
