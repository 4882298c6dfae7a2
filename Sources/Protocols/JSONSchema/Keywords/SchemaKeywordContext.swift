/// Shape checks for keyword values, with errors located at the schema object.
struct SchemaKeywordContext {
    let object: JSONObject
    let location: SchemaLocation
    let describe: (SchemaLocation) -> String

    func error(_ message: String, code: JSONSchemaError.Code = .invalidSchema) -> JSONSchemaError {
        JSONSchemaError(code, message, at: describe(location))
    }

    func number(_ value: JSONValue, _ keyword: String) throws(JSONSchemaError) -> SchemaNumber {
        guard case .number(let text) = value, let number = SchemaNumber(text) else {
            throw error("\(keyword) must be a number")
        }
        return number
    }

    /// A non-negative integer (`2.0` allowed); huge values saturate at `Int.max`.
    func count(_ value: JSONValue, _ keyword: String) throws(JSONSchemaError) -> Int {
        guard case .number(let text) = value, let number = SchemaNumber(text),
              number.isInteger, !(number < .zero)
        else {
            throw error("\(keyword) must be a non-negative integer")
        }
        return number.intValue ?? Int.max
    }

    func stringArray(_ value: JSONValue, _ keyword: String) throws(JSONSchemaError) -> [String] {
        guard case .array(let items) = value else { throw error("\(keyword) must be an array of strings") }
        var strings: [String] = []
        for item in items {
            guard case .string(let text) = item else { throw error("\(keyword) must be an array of strings") }
            strings.append(text)
        }
        return strings
    }

    func typeSet(_ value: JSONValue) throws(JSONSchemaError) -> SchemaTypeSet {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let items) where !items.isEmpty: names = items
        default: throw error("type must be a string or a non-empty array of strings")
        }
        var set: SchemaTypeSet = []
        for name in names {
            guard case .string(let text) = name else {
                throw error("type must be a string or a non-empty array of strings")
            }
            guard let type = SchemaTypeSet.named(text) else {
                throw error(
                    "unknown type \"\(text)\" (expected one of string, number, integer, boolean, object, array, null)")
            }
            set.insert(type)
        }
        return set
    }

    func regex(_ source: String, _ what: String) throws(JSONSchemaError) -> SchemaRegex {
        do {
            return try SchemaRegex(source)
        } catch {
            throw self.error(
                "\(what) \(JSONWriter.quoted(source)) is not a valid regular expression: \(error.message)",
                code: .invalidPattern)
        }
    }

    func checkSchema(_ value: JSONValue, _ keyword: String) throws(JSONSchemaError) -> JSONValue {
        switch value {
        case .object, .bool: return value
        default: throw error("\(keyword) must be a schema (object or boolean), not \(value.kindName)")
        }
    }
}
