/// Keywords that apply subschemas to an object's members: `properties`,
/// `patternProperties`, `additionalProperties`, `propertyNames`, `unevaluatedProperties`.
extension SchemaEvaluator {
    func evaluateObjectKeyword(_ keyword: SchemaKeyword, _ object: JSONObject, _ local: inout SchemaEvaluatedLocations,
                               track: Bool) -> Bool {
        var valid = true
        switch keyword {
        case .properties(let schemas):
            for entry in object {
                guard let schema = schemas[SchemaExactString(entry.key)] else { continue }
                if track { local.properties.insert(SchemaExactString(entry.key)) }
                let token = JSONPointer.escape(entry.key)
                if !evaluateChild(schema, entry.value, instanceToken: token, keywordToken: token) {
                    valid = false
                    if !collecting || isFull { break }
                }
            }

        case .patternProperties(let patterns):
            members: for entry in object {
                for pattern in patterns {
                    guard let matched = matchName(entry.key, pattern.regex) else {
                        valid = false
                        if !collecting || isFull { break members }
                        continue
                    }
                    guard matched else { continue }
                    if track { local.properties.insert(SchemaExactString(entry.key)) }
                    let token = JSONPointer.escape(entry.key)
                    keywordTokens.append(JSONPointer.escape(pattern.regex.source))
                    let passed = evaluateChild(pattern.schema, entry.value, instanceToken: token, keywordToken: nil)
                    keywordTokens.removeLast()
                    if !passed {
                        valid = false
                        if !collecting || isFull { break members }
                    }
                }
            }

        case .additionalProperties(let schema, let known, let patterns):
            members: for entry in object where !known.contains(SchemaExactString(entry.key)) {
                for pattern in patterns {
                    guard let matched = matchName(entry.key, pattern) else {
                        valid = false
                        if !collecting || isFull { break members }
                        continue members
                    }
                    if matched { continue members }
                }
                if track { local.properties.insert(SchemaExactString(entry.key)) }
                if !evaluateMember(schema, entry) {
                    valid = false
                    if !collecting || isFull { break }
                }
            }

        case .propertyNames(let schema):
            for entry in object {
                var ignored = SchemaEvaluatedLocations()
                let name = JSONValue.string(entry.key)
                guard !checking({ evaluate(schema, name, &ignored, track: false) }) else { continue }
                valid = false
                guard collecting else { break }
                let reason = scratch(limit: 1) {
                    var ignored = SchemaEvaluatedLocations()
                    _ = evaluate(schema, name, &ignored, track: false)
                }.first?.message
                report("invalid property name \(JSONWriter.quoted(entry.key))" + (reason.map { ": " + $0 } ?? ""))
                if isFull { break }
            }

        case .unevaluatedProperties(let schema):
            for entry in object where !local.isPropertyEvaluated(entry.key) {
                if !evaluateMember(schema, entry) {
                    valid = false
                    if !collecting || isFull { break }
                }
            }
            if track { local.allProperties = true }

        default:
            break
        }
        return valid
    }

    /// Applies `additionalProperties`/`unevaluatedProperties` to one member; a `false` schema
    /// reports "unexpected property" at the object rather than "value is not allowed" below it.
    private func evaluateMember(_ schema: Int, _ entry: (key: String, value: JSONValue)) -> Bool {
        if isFalseSchema(schema) {
            report("unexpected property \(JSONWriter.quoted(entry.key))")
            return false
        }
        return evaluateChild(schema, entry.value, instanceToken: JSONPointer.escape(entry.key), keywordToken: nil)
    }

    /// Matches a property name; nil (after reporting) when the pattern gives up.
    private func matchName(_ name: String, _ regex: SchemaRegex) -> Bool? {
        if let matched = regex.matches(name) { return matched }
        report("pattern \"\(regex.source)\" is too expensive to evaluate on property name \(JSONWriter.quoted(name))")
        return nil
    }
}
