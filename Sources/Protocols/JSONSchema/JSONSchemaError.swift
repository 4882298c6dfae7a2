/// Why a schema document could not be compiled: it is not a valid schema, or it needs
/// something this validator does not do (remote references, an unknown `$schema`).
///
/// Equality compares code, message and location (there is no cause, file or line).
public struct JSONSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem, stable for callers to switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case invalidSchema
            case invalidPattern
            case unresolvedReference
            case unsupportedReference
            case unsupportedDialect
            case referenceCycle
            case schemaTooLarge
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A keyword has a value of the wrong type or range (`minimum must be a number`).
        public static let invalidSchema = Code(.invalidSchema)
        /// A `pattern` or `patternProperties` key is not a valid (or supported) ECMA-262 regex.
        public static let invalidPattern = Code(.invalidPattern)
        /// A `$ref` points at nothing inside the document.
        public static let unresolvedReference = Code(.unresolvedReference)
        /// A `$ref` points at another document (remote references are not fetched).
        public static let unsupportedReference = Code(.unsupportedReference)
        /// `$schema` names a dialect other than draft 2020-12, 2019-09, 07 or 06.
        public static let unsupportedDialect = Code(.unsupportedDialect)
        /// `$ref`s loop back to the same schema without descending into the instance.
        public static let referenceCycle = Code(.referenceCycle)
        /// The schema is nested too deeply or too large to compile.
        public static let schemaTooLarge = Code(.schemaTooLarge)

        public var description: String {
            switch value {
            case .invalidSchema: "invalid schema"
            case .invalidPattern: "invalid pattern"
            case .unresolvedReference: "unresolved reference"
            case .unsupportedReference: "unsupported reference"
            case .unsupportedDialect: "unsupported dialect"
            case .referenceCycle: "reference cycle"
            case .schemaTooLarge: "schema too large"
            }
        }
    }

    public let code: Code
    /// What is wrong, without the location (`minimum must be a number`).
    public let message: String
    /// Where in the schema document, as a URI fragment (`#/properties/x`).
    public let schemaLocation: String

    init(_ code: Code, _ message: String, at schemaLocation: String) {
        self.code = code
        self.message = message
        self.schemaLocation = schemaLocation
    }

    /// `<message> at <schemaLocation>`, e.g. `minimum must be a number at #/properties/x`.
    public var description: String { "\(message) at \(schemaLocation)" }

    public static func == (a: JSONSchemaError, b: JSONSchemaError) -> Bool {
        a.code == b.code && a.message == b.message && a.schemaLocation == b.schemaLocation
    }
}
