/// Runs a ``SchemaProgram`` over one instance.
///
/// Two modes share one walk. *Collecting* (the default) reports every failed keyword as a
/// ``JSONSchemaViolation`` and keeps going until `limit` is reached. *Checking* is used where
/// only the outcome matters (an `anyOf` branch, `not`, `if`, `contains`): nothing is
/// reported and a schema object stops at its first failed keyword.
///
/// Locations are kept as token stacks and only joined into pointers when a violation is
/// reported. Annotations for `unevaluated*` are gathered only when some enclosing schema
/// object asks for them (`track`).
final class SchemaEvaluator {
    let program: SchemaProgram
    /// Violations to collect before winding down (temporarily lowered by ``scratch(limit:_:)``).
    private var limit: Int
    let maximumInstanceDepth: Int
    let maximumEvaluationDepth: Int
    private(set) var violations: [JSONSchemaViolation] = []
    /// False while a subschema is evaluated only for its outcome.
    var collecting = true
    /// Escaped reference tokens of the current instance location.
    var instanceTokens: [String] = []
    /// Escaped reference tokens of the current keyword location (evaluation path).
    var keywordTokens: [String] = []
    /// Schema resources entered so far, outermost first (for `$dynamicRef`).
    var dynamicScope: [Int] = []
    private var evaluationDepth = 0
    /// Set while a failed `anyOf`/`oneOf` collects its branches' first problems.
    var explaining = false

    init(program: SchemaProgram, limit: Int, maximumInstanceDepth: Int, maximumEvaluationDepth: Int) {
        self.program = program
        self.limit = max(limit, 1)
        self.maximumInstanceDepth = maximumInstanceDepth
        self.maximumEvaluationDepth = maximumEvaluationDepth
    }

    /// Whether the violation limit has been reached (evaluation then winds down).
    var isFull: Bool { violations.count >= limit }

    // MARK: Reporting

    /// Records a violation at the current locations (collecting mode only).
    func report(_ message: String) {
        guard collecting, !isFull else { return }
        violations.append(JSONSchemaViolation(
            instanceLocation: Self.pointer(instanceTokens),
            keywordLocation: Self.pointer(keywordTokens),
            message: message))
    }

    static func pointer(_ tokens: [String]) -> String {
        var out = ""
        for token in tokens {
            out += "/"
            out += token
        }
        return out
    }

    /// Runs `body` in checking mode and returns its outcome.
    func checking<Result>(_ body: () -> Result) -> Result {
        let saved = collecting
        collecting = false
        defer { collecting = saved }
        return body()
    }

    /// Runs `body` collecting into a fresh list (at most `limit` entries) and returns it;
    /// used to explain a failed `anyOf` branch or property name.
    func scratch(limit scratchLimit: Int, _ body: () -> Void) -> [JSONSchemaViolation] {
        let savedViolations = violations
        let savedCollecting = collecting
        violations = []
        collecting = true
        let savedLimit = limit
        limit = scratchLimit
        body()
        let collected = violations
        violations = savedViolations
        collecting = savedCollecting
        limit = savedLimit
        return collected
    }

    // MARK: Nodes

    /// Evaluates subschema `node` against `instance`. On success, and if `track` is set, its
    /// annotations are merged into `evaluated`.
    func evaluate(
        _ node: Int, _ instance: JSONValue, _ evaluated: inout SchemaEvaluatedLocations, track: Bool
    ) -> Bool {
        guard case .object(let object) = program.nodes[node] else {
            if case .boolean(false) = program.nodes[node] {
                report("value is not allowed")
                return false
            }
            return true
        }
        if instanceTokens.count > maximumInstanceDepth {
            report("instance nesting too deep")
            return false
        }
        if evaluationDepth >= maximumEvaluationDepth {
            report("schema evaluation too deep")
            return false
        }
        evaluationDepth += 1
        let entersResource = dynamicScope.last != object.resource
        if entersResource { dynamicScope.append(object.resource) }
        defer {
            evaluationDepth -= 1
            if entersResource { dynamicScope.removeLast() }
        }
        let trackHere = track || object.tracksEvaluation
        var local = SchemaEvaluatedLocations()
        var valid = true
        for keyword in object.keywords {
            keywordTokens.append(keyword.name)
            let passed = evaluateKeyword(keyword, instance, &local, track: trackHere)
            keywordTokens.removeLast()
            if !passed {
                valid = false
                if !collecting || isFull { break }
            }
        }
        // A failed subschema's annotations are dropped, except while collecting: then the
        // failure already fails every enclosing schema, and keeping them spares the user an
        // "unexpected property" for each property that merely failed its own subschema.
        if track && (valid || collecting) { evaluated.merge(local) }
        return valid
    }

    /// Evaluates a child location (`/properties/x` against `instance.x`); no annotations.
    func evaluateChild(_ node: Int, _ value: JSONValue, instanceToken: String, keywordToken: String?) -> Bool {
        instanceTokens.append(instanceToken)
        if let keywordToken { keywordTokens.append(keywordToken) }
        var ignored = SchemaEvaluatedLocations()
        let result = evaluate(node, value, &ignored, track: false)
        if keywordToken != nil { keywordTokens.removeLast() }
        instanceTokens.removeLast()
        return result
    }

    /// Whether a node is the `false` schema (lets keywords say "unexpected property").
    func isFalseSchema(_ node: Int) -> Bool {
        if case .boolean(false) = program.nodes[node] { return true }
        return false
    }

    private func evaluateKeyword(
        _ keyword: SchemaKeyword, _ instance: JSONValue, _ local: inout SchemaEvaluatedLocations, track: Bool
    ) -> Bool {
        switch keyword {
        case .type, .enumeration, .constant, .multipleOf, .maximum, .exclusiveMaximum, .minimum, .exclusiveMinimum,
             .maxLength, .minLength, .pattern, .maxItems, .minItems, .uniqueItems, .maxProperties, .minProperties,
             .required, .dependentRequired:
            return evaluateAssertion(keyword, instance)
        case .ref, .dynamicRef, .allOf, .anyOf, .oneOf, .not, .conditional, .dependentSchemas:
            return evaluateInPlace(keyword, instance, &local, track: track)
        case .properties, .patternProperties, .additionalProperties, .propertyNames, .unevaluatedProperties:
            guard case .object(let object) = instance else { return true }
            return evaluateObjectKeyword(keyword, object, &local, track: track)
        case .prefixItems, .items, .contains, .unevaluatedItems:
            guard case .array(let items) = instance else { return true }
            return evaluateArrayKeyword(keyword, items, &local, track: track)
        }
    }
}
