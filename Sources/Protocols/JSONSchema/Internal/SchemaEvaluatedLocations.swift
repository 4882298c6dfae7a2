/// The annotations `unevaluatedProperties` and `unevaluatedItems` read: which properties and
/// items of the current instance some successful keyword (here or in an in-place subschema
/// such as `allOf` or `$ref`) has already evaluated.
struct SchemaEvaluatedLocations {
    var allProperties = false
    var properties: Set<SchemaExactString> = []
    var allItems = false
    /// Items `0..<itemPrefix` were evaluated (`prefixItems`).
    var itemPrefix = 0
    /// Individual items evaluated (`contains`).
    var items: Set<Int> = []

    mutating func merge(_ other: SchemaEvaluatedLocations) {
        allProperties = allProperties || other.allProperties
        if !other.properties.isEmpty { properties.formUnion(other.properties) }
        allItems = allItems || other.allItems
        itemPrefix = max(itemPrefix, other.itemPrefix)
        if !other.items.isEmpty { items.formUnion(other.items) }
    }

    func isPropertyEvaluated(_ name: String) -> Bool {
        allProperties || properties.contains(SchemaExactString(name))
    }

    func isItemEvaluated(_ index: Int) -> Bool {
        allItems || index < itemPrefix || items.contains(index)
    }
}
