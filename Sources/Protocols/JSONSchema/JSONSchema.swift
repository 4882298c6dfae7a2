/// A compiled JSON Schema (draft 2020-12), used to check service configs and secrets
/// against a package's `config.schema.json` / `secret.schema.json`.
///
/// Compile once, validate many times; the value is immutable and `Sendable`.
///
///     let schema = try JSONSchema(JSONParser.parse(schemaText))
///     let problems = schema.validate(config)   // [] when valid
///     // problems.first?.description == "/label: expected string, got number"
///
/// Supported: the whole 2020-12 validation and applicator vocabularies including
/// `unevaluatedProperties`/`unevaluatedItems` and `$dynamicRef`; `$ref` to `$defs`,
/// `$anchor`s, embedded `$id` resources and the bundled 2020-12 meta-schema; ECMA-262
/// `pattern`s; exact decimal arithmetic for numeric keywords. `format` and the content
/// keywords are annotations (not asserted, as 2020-12 specifies by default). Documents
/// declaring drafts 2019-09, 07, 06 or 04 get those drafts' `items`/`additionalItems`,
/// `dependencies`, `$ref` and exclusive-bound rules.
///
/// - Note: References to other documents (`"$ref": "https://…/other.json"`) are never
///   fetched; such a schema is rejected with ``JSONSchemaError/Code/unsupportedReference``.
public struct JSONSchema: Sendable {
    private let program: SchemaProgram

    /// Compiles a schema document: resolves `$ref`, `$defs`, `$anchor` and `$id` within it
    /// and rejects invalid schemas with a located error
    /// (`minimum must be a number at #/properties/x`).
    public init(_ schema: JSONValue) throws(JSONSchemaError) {
        program = try SchemaCompiler.compile(schema)
    }

    /// All violations, in evaluation order (empty means valid); stops after `limit`.
    public func validate(_ instance: JSONValue, limit: Int = defaultMaximumViolations) -> [JSONSchemaViolation] {
        let evaluator = SchemaEvaluator(
            program: program, limit: limit,
            maximumInstanceDepth: Self.defaultMaximumInstanceDepth,
            maximumEvaluationDepth: Self.defaultMaximumEvaluationDepth)
        var evaluated = SchemaEvaluatedLocations()
        let valid = evaluator.evaluate(program.root, instance, &evaluated, track: false)
        if !valid && evaluator.violations.isEmpty {
            // Not expected (every failure reports); never answer "valid" for an invalid value.
            return [JSONSchemaViolation(
                instanceLocation: "", keywordLocation: "", message: "value does not match the schema")]
        }
        return evaluator.violations
    }

    /// Whether `instance` is valid; cheaper than ``validate(_:limit:)`` as it stops at the
    /// first failure and builds no messages.
    public func isValid(_ instance: JSONValue) -> Bool {
        let evaluator = SchemaEvaluator(
            program: program, limit: 1,
            maximumInstanceDepth: Self.defaultMaximumInstanceDepth,
            maximumEvaluationDepth: Self.defaultMaximumEvaluationDepth)
        evaluator.collecting = false
        var evaluated = SchemaEvaluatedLocations()
        return evaluator.evaluate(program.root, instance, &evaluated, track: false)
    }
}
