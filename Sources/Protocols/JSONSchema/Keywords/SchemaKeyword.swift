/// One compiled keyword of a schema object. Subschemas are indices into
/// ``SchemaProgram/nodes``; patterns and numbers are compiled once here.
enum SchemaKeyword: Sendable {
    // Validation vocabulary (assertions on the instance itself).
    case type(SchemaTypeSet)
    case enumeration([JSONValue])
    case constant(JSONValue)
    case multipleOf(SchemaNumber, text: String)
    case maximum(SchemaNumber, text: String)
    case exclusiveMaximum(SchemaNumber, text: String)
    case minimum(SchemaNumber, text: String)
    case exclusiveMinimum(SchemaNumber, text: String)
    case maxLength(Int)
    case minLength(Int)
    case pattern(SchemaRegex)
    case maxItems(Int)
    case minItems(Int)
    case uniqueItems
    case maxProperties(Int)
    case minProperties(Int)
    case required([String])
    /// `dependentRequired` (or the array form of draft-07 `dependencies`).
    case dependentRequired([(property: String, required: [String])], keyword: String)

    // Applicators on the same instance location.
    case ref(Int)
    case dynamicRef(SchemaDynamicReference)
    case allOf([Int])
    case anyOf([Int])
    case oneOf([Int])
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    /// `dependentSchemas` (or the schema form of draft-07 `dependencies`).
    case dependentSchemas([(property: String, schema: Int)], keyword: String)

    // Applicators on child locations.
    /// Property name → subschema.
    case properties([SchemaExactString: Int])
    case patternProperties([(regex: SchemaRegex, schema: Int)])
    case additionalProperties(Int, known: Set<SchemaExactString>, patterns: [SchemaRegex])
    case propertyNames(Int)
    /// `prefixItems` (or draft-07 array-form `items`; `keyword` names it for locations).
    case prefixItems([Int], keyword: String)
    /// `items` from index `start` on (or draft-07 `additionalItems`).
    case items(Int, start: Int, keyword: String)
    case contains(Int, minimum: Int, maximum: Int?)
    case unevaluatedProperties(Int)
    case unevaluatedItems(Int)

    /// The keyword's name as the first token of its location.
    var name: String {
        switch self {
        case .type: "type"
        case .enumeration: "enum"
        case .constant: "const"
        case .multipleOf: "multipleOf"
        case .maximum: "maximum"
        case .exclusiveMaximum: "exclusiveMaximum"
        case .minimum: "minimum"
        case .exclusiveMinimum: "exclusiveMinimum"
        case .maxLength: "maxLength"
        case .minLength: "minLength"
        case .pattern: "pattern"
        case .maxItems: "maxItems"
        case .minItems: "minItems"
        case .uniqueItems: "uniqueItems"
        case .maxProperties: "maxProperties"
        case .minProperties: "minProperties"
        case .required: "required"
        case .dependentRequired(_, let keyword): keyword
        case .ref: "$ref"
        case .dynamicRef: "$dynamicRef"
        case .allOf: "allOf"
        case .anyOf: "anyOf"
        case .oneOf: "oneOf"
        case .not: "not"
        case .conditional: "if"
        case .dependentSchemas(_, let keyword): keyword
        case .properties: "properties"
        case .patternProperties: "patternProperties"
        case .additionalProperties: "additionalProperties"
        case .propertyNames: "propertyNames"
        case .prefixItems(_, let keyword): keyword
        case .items(_, _, let keyword): keyword
        case .contains: "contains"
        case .unevaluatedProperties: "unevaluatedProperties"
        case .unevaluatedItems: "unevaluatedItems"
        }
    }
}
