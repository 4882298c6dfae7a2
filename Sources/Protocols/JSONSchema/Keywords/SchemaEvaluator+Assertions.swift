/// Keywords that check the instance itself: type, enum, const, numeric bounds, string
/// length and pattern, array and object sizes, uniqueItems, required, dependentRequired.
extension SchemaEvaluator {
    func evaluateAssertion(_ keyword: SchemaKeyword, _ instance: JSONValue) -> Bool {
        switch keyword {
        case .type(let types):
            guard !Self.instance(instance, hasTypeIn: types) else { return true }
            report("expected \(types.listDescription), got \(instance.kindName)")
            return false

        case .enumeration(let values):
            guard !values.contains(where: { $0.schemaEquals(instance) }) else { return true }
            report(values.count == 1
                ? "value must be \(Self.short(values[0]))"
                : "value must be one of \(Self.list(values))")
            return false

        case .constant(let value):
            guard !value.schemaEquals(instance) else { return true }
            report("value must be \(Self.short(value))")
            return false

        case .multipleOf(let divisor, let text):
            guard let number = Self.number(instance), !number.isMultiple(of: divisor) else { return true }
            report("must be a multiple of \(text)")
            return false

        case .maximum(let bound, let text):
            guard let number = Self.number(instance), bound < number else { return true }
            report("must be at most \(text)")
            return false

        case .exclusiveMaximum(let bound, let text):
            guard let number = Self.number(instance), !(number < bound) else { return true }
            report("must be less than \(text)")
            return false

        case .minimum(let bound, let text):
            guard let number = Self.number(instance), number < bound else { return true }
            report("must be at least \(text)")
            return false

        case .exclusiveMinimum(let bound, let text):
            guard let number = Self.number(instance), !(bound < number) else { return true }
            report("must be greater than \(text)")
            return false

        case .maxLength(let maximum):
            guard case .string(let string) = instance else { return true }
            let length = string.unicodeScalars.count
            guard length > maximum else { return true }
            report("must be at most \(Self.counted(maximum, "character")) long (got \(length))")
            return false

        case .minLength(let minimum):
            guard case .string(let string) = instance else { return true }
            // Counting stops once the minimum is reached.
            var length = 0
            for _ in string.unicodeScalars where length < minimum { length += 1 }
            guard length < minimum else { return true }
            report("must be at least \(Self.counted(minimum, "character")) long (got \(length))")
            return false

        case .pattern(let regex):
            guard case .string(let string) = instance else { return true }
            switch regex.matches(string) {
            case true?: return true
            case false?: report("does not match pattern \"\(regex.source)\"")
            case nil: report("pattern \"\(regex.source)\" is too expensive to evaluate on this value")
            }
            return false

        case .maxItems(let maximum):
            guard case .array(let items) = instance, items.count > maximum else { return true }
            report("must have at most \(Self.counted(maximum, "item")) (got \(items.count))")
            return false

        case .minItems(let minimum):
            guard case .array(let items) = instance, items.count < minimum else { return true }
            report("must have at least \(Self.counted(minimum, "item")) (got \(items.count))")
            return false

        case .uniqueItems:
            guard case .array(let items) = instance, items.count > 1 else { return true }
            var seen: [SchemaExactString: Int] = [:]
            for (index, item) in items.enumerated() {
                if let first = seen.updateValue(index, forKey: SchemaExactString(item.schemaCanonicalForm)) {
                    report("items must be unique (items \(first) and \(index) are equal)")
                    return false
                }
            }
            return true

        case .maxProperties(let maximum):
            guard case .object(let object) = instance, object.count > maximum else { return true }
            let noun = Self.counted(maximum, "property", plural: "properties")
            report("must have at most \(noun) (got \(object.count))")
            return false

        case .minProperties(let minimum):
            guard case .object(let object) = instance, object.count < minimum else { return true }
            let noun = Self.counted(minimum, "property", plural: "properties")
            report("must have at least \(noun) (got \(object.count))")
            return false

        case .required(let names):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for name in names where object.exactValue(name) == nil {
                valid = false
                report("missing required property \(JSONWriter.quoted(name))")
                if !collecting { break }
            }
            return valid

        case .dependentRequired(let dependencies, _):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for dependency in dependencies where object.exactValue(dependency.property) != nil {
                for name in dependency.required where object.exactValue(name) == nil {
                    valid = false
                    report("missing property \(JSONWriter.quoted(name)),"
                        + " required when \(JSONWriter.quoted(dependency.property)) is present")
                    if !collecting { return false }
                }
            }
            return valid

        default:
            return true
        }
    }

    // MARK: Helpers

    static func instance(_ instance: JSONValue, hasTypeIn types: SchemaTypeSet) -> Bool {
        switch instance {
        case .null: return types.contains(.null)
        case .bool: return types.contains(.boolean)
        case .string: return types.contains(.string)
        case .array: return types.contains(.array)
        case .object: return types.contains(.object)
        case .number(let text):
            if types.contains(.number) { return true }
            guard types.contains(.integer) else { return false }
            return isIntegerLiteral(text)
        }
    }

    /// "integer" is any number with a zero fractional part (`1`, `1.0`, `1e3`).
    static func isIntegerLiteral(_ text: String) -> Bool {
        let plain = !text.utf8.contains {
            $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
        }
        if plain { return true }
        return SchemaNumber(text)?.isInteger ?? false
    }

    static func number(_ instance: JSONValue) -> SchemaNumber? {
        guard case .number(let text) = instance else { return nil }
        return SchemaNumber(text)
    }

    static func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
    }

    /// Compact JSON, cut at 60 characters.
    static func short(_ value: JSONValue) -> String {
        let text = JSONWriter().string(value)
        guard text.count > 60 else { return text }
        return String(text.prefix(57)) + "..."
    }

    /// `"a", "b" or "c"`, at most 10 values.
    static func list(_ values: [JSONValue]) -> String {
        let shown = values.prefix(10).map(short)
        if values.count > 10 { return shown.joined(separator: ", ") + ", … (\(values.count) values)" }
        guard shown.count > 1 else { return shown.first ?? "(none)" }
        return shown.dropLast().joined(separator: ", ") + " or " + shown.last!
    }
}
