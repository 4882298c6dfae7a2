/// Which draft a document is written for, from its root `$schema` (2020-12 when absent).
/// Older drafts differ in a few keywords we still honour: array-form `items` with
/// `additionalItems` (2019-09 and before), `$ref` overriding its siblings (07 and before),
/// and boolean `exclusiveMaximum`/`exclusiveMinimum` (04).
enum SchemaDialect: Sendable {
    case draft2020_12
    case draft2019_09
    case draft07
    case draft06
    case draft04

    /// nil for a `$schema` we do not know.
    init?(schemaURI: String) {
        var text = schemaURI
        if text.hasSuffix("#") { text.removeLast() }
        if text.hasPrefix("http://") { text = "https://" + text.dropFirst("http://".count) }
        switch text {
        case "https://json-schema.org/draft/2020-12/schema", "https://json-schema.org/schema": self = .draft2020_12
        case "https://json-schema.org/draft/2019-09/schema": self = .draft2019_09
        case "https://json-schema.org/draft-07/schema": self = .draft07
        case "https://json-schema.org/draft-06/schema": self = .draft06
        case "https://json-schema.org/draft-04/schema": self = .draft04
        default: return nil
        }
    }

    /// `items` may be an array (tuple form) and `additionalItems` applies after it.
    var hasArrayItems: Bool { self != .draft2020_12 }
    /// `$ref` makes the rest of its schema object ignored.
    var refOverridesSiblings: Bool { self == .draft07 || self == .draft06 || self == .draft04 }
    /// `exclusiveMaximum`/`exclusiveMinimum` are booleans modifying `maximum`/`minimum`.
    var hasBooleanExclusiveBounds: Bool { self == .draft04 }
}
