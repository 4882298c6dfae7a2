/// Where subschemas sit inside a schema object, per keyword. Only these positions are
/// schemas: an `$id` or `$anchor` inside `enum`, `const`, `examples` or an unknown keyword is
/// plain data and must not be registered.
enum SchemaSubschemas {
    static let single: Set<String> = [
        "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else",
        "unevaluatedItems", "unevaluatedProperties", "contentSchema", "additionalItems",
    ]
    static let arrays: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems"]
    static let maps: Set<String> = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]

    /// Calls `body` with the pointer tokens and value of each direct subschema of `object`.
    static func forEach(
        in object: JSONObject, _ body: ([String], JSONValue) throws(JSONSchemaError) -> Void
    ) throws(JSONSchemaError) {
        for entry in object {
            let key = entry.key
            switch entry.value {
            case .object, .bool:
                if single.contains(key) || key == "items" {
                    try body([key], entry.value)
                } else if maps.contains(key) || key == "dependencies", case .object(let map) = entry.value {
                    for child in map {
                        switch child.value {
                        case .object, .bool: try body([key, child.key], child.value)
                        default: break
                        }
                    }
                }
            case .array(let list) where arrays.contains(key) || key == "items":
                for (index, child) in list.enumerated() {
                    switch child {
                    case .object, .bool: try body([key, String(index)], child)
                    default: break
                    }
                }
            default:
                break
            }
        }
    }
}
