/// Keywords that apply subschemas to the same instance location: `$ref`, `$dynamicRef`,
/// `allOf`, `anyOf`, `oneOf`, `not`, `if`/`then`/`else`, `dependentSchemas`.
extension SchemaEvaluator {
    func evaluateInPlace(_ keyword: SchemaKeyword, _ instance: JSONValue, _ local: inout SchemaEvaluatedLocations,
                         track: Bool) -> Bool {
        switch keyword {
        case .ref(let target):
            return evaluate(target, instance, &local, track: track)

        case .dynamicRef(let reference):
            return evaluate(resolve(reference), instance, &local, track: track)

        case .allOf(let children):
            var valid = true
            for (index, child) in children.enumerated() {
                keywordTokens.append(String(index))
                let passed = evaluate(child, instance, &local, track: track)
                keywordTokens.removeLast()
                if !passed {
                    valid = false
                    if !collecting || isFull { break }
                }
            }
            return valid

        case .anyOf(let children):
            var valid = false
            checking {
                for (index, child) in children.enumerated() {
                    keywordTokens.append(String(index))
                    let passed = evaluate(child, instance, &local, track: track)
                    keywordTokens.removeLast()
                    if passed {
                        valid = true
                        // Annotations need every passing branch; the outcome needs only one.
                        if !track { break }
                    }
                }
            }
            if !valid { reportNoMatch("anyOf", children, instance) }
            return valid

        case .oneOf(let children):
            var passing: [Int] = []
            var annotations = SchemaEvaluatedLocations()
            checking {
                for (index, child) in children.enumerated() {
                    keywordTokens.append(String(index))
                    var branch = SchemaEvaluatedLocations()
                    if evaluate(child, instance, &branch, track: track) {
                        passing.append(index)
                        annotations = branch
                    }
                    keywordTokens.removeLast()
                    if passing.count > 1 { break }
                }
            }
            if passing.count == 1 {
                if track { local.merge(annotations) }
                return true
            }
            if passing.isEmpty {
                reportNoMatch("oneOf", children, instance)
            } else {
                let indexes = passing.map(String.init)
                let listed = indexes.dropLast().joined(separator: ", ") + " and " + indexes.last!
                report("value matches more than one of the oneOf schemas (\(listed))")
            }
            return false

        case .not(let child):
            var ignored = SchemaEvaluatedLocations()
            let passed = checking { evaluate(child, instance, &ignored, track: false) }
            guard passed else { return true }
            report("value must not match the \"not\" schema")
            return false

        case .conditional(let condition, let then, let otherwise):
            var conditionAnnotations = SchemaEvaluatedLocations()
            let holds = checking { evaluate(condition, instance, &conditionAnnotations, track: track) }
            if holds, track { local.merge(conditionAnnotations) }
            guard let branch = holds ? then : otherwise else { return true }
            keywordTokens[keywordTokens.count - 1] = holds ? "then" : "else"
            defer { keywordTokens[keywordTokens.count - 1] = "if" }
            return evaluate(branch, instance, &local, track: track)

        case .dependentSchemas(let dependencies, _):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for dependency in dependencies where object.exactValue(dependency.property) != nil {
                keywordTokens.append(JSONPointer.escape(dependency.property))
                let passed = evaluate(dependency.schema, instance, &local, track: track)
                keywordTokens.removeLast()
                if !passed {
                    valid = false
                    if !collecting || isFull { break }
                }
            }
            return valid

        default:
            return true
        }
    }

    /// The target of a `$dynamicRef` in the current dynamic scope: the outermost schema
    /// resource that declares the anchor, else the statically resolved target.
    private func resolve(_ reference: SchemaDynamicReference) -> Int {
        guard let anchor = reference.anchor else { return reference.target }
        for resource in dynamicScope {
            if let node = program.dynamicAnchors[resource][anchor] { return node }
        }
        return reference.target
    }

    /// Reports that no branch of `anyOf`/`oneOf` matched, with each branch's first problem:
    /// `value does not match any of the anyOf schemas: [0] expected string, got number; [1] …`.
    private func reportNoMatch(_ keyword: String, _ children: [Int], _ instance: JSONValue) {
        guard collecting, !isFull else { return }
        // Explaining a branch that itself fails an anyOf/oneOf would re-run that one's
        // branches too; one level of detail is enough.
        guard !explaining else {
            report("value does not match any of the \(keyword) schemas")
            return
        }
        explaining = true
        defer { explaining = false }
        let here = Self.pointer(instanceTokens)
        var reasons: [String] = []
        for (index, child) in children.enumerated().prefix(Self.maximumExplainedBranches) {
            keywordTokens.append(String(index))
            let first = scratch(limit: 1) {
                var ignored = SchemaEvaluatedLocations()
                _ = evaluate(child, instance, &ignored, track: false)
            }.first
            keywordTokens.removeLast()
            guard let first else { continue }
            let location = first.instanceLocation == here ? "" : first.instanceLocation + ": "
            reasons.append("[\(index)] " + location + first.message)
        }
        if children.count > Self.maximumExplainedBranches { reasons.append("…") }
        let detail = reasons.isEmpty ? "" : ": " + reasons.joined(separator: "; ")
        report("value does not match any of the \(keyword) schemas" + detail)
    }

    /// Branches of a failed `anyOf`/`oneOf` whose first problem is quoted in the message.
    static let maximumExplainedBranches = 4
}
