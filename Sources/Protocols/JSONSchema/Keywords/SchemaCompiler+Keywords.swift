/// Compiling the keywords of one schema object, checking each value's shape on the way
/// (`minimum must be a number at #/properties/x`).
extension SchemaCompiler {
    mutating func compileObject(
        _ object: JSONObject, at location: SchemaLocation
    ) throws(JSONSchemaError) -> SchemaObject {
        let resource = index.scopes[location]?.resource ?? 0
        if dialect.refOverridesSiblings, case .string(let reference)? = object["$ref"] {
            let target = try resolveReference(reference, from: location, keyword: "$ref")
            return SchemaObject(keywords: [.ref(try node(for: target))], resource: resource, tracksEvaluation: false)
        }
        let context = SchemaKeywordContext(object: object, location: location, describe: index.describe)
        let patterns = try compilePatternProperties(context)
        var keywords: [SchemaKeyword] = []
        // unevaluatedProperties/unevaluatedItems read the others' annotations: they go last.
        var trailing: [SchemaKeyword] = []
        for (key, value) in object {
            switch key {
            case "type":
                keywords.append(.type(try context.typeSet(value)))
            case "enum":
                guard case .array(let values) = value else { throw context.error("enum must be an array") }
                keywords.append(.enumeration(values))
            case "const":
                keywords.append(.constant(value))
            case "multipleOf":
                let number = try context.number(value, key)
                guard number > .zero else { throw context.error("multipleOf must be greater than 0") }
                keywords.append(.multipleOf(number, text: value.numberText ?? ""))
            case "maximum", "minimum":
                keywords.append(try bound(key, value, context))
            case "exclusiveMaximum", "exclusiveMinimum":
                // Draft 04's boolean form modifies maximum/minimum (handled there).
                if dialect.hasBooleanExclusiveBounds, value.boolValue != nil { continue }
                let number = try context.number(value, key)
                let text = value.numberText ?? ""
                keywords.append(key == "exclusiveMaximum"
                    ? .exclusiveMaximum(number, text: text) : .exclusiveMinimum(number, text: text))
            case "maxLength":
                keywords.append(.maxLength(try context.count(value, key)))
            case "minLength":
                keywords.append(.minLength(try context.count(value, key)))
            case "pattern":
                guard case .string(let source) = value else { throw context.error("pattern must be a string") }
                keywords.append(.pattern(try context.regex(source, "pattern")))
            case "maxItems":
                keywords.append(.maxItems(try context.count(value, key)))
            case "minItems":
                keywords.append(.minItems(try context.count(value, key)))
            case "uniqueItems":
                guard case .bool(let flag) = value else { throw context.error("uniqueItems must be a boolean") }
                if flag { keywords.append(.uniqueItems) }
            case "maxProperties":
                keywords.append(.maxProperties(try context.count(value, key)))
            case "minProperties":
                keywords.append(.minProperties(try context.count(value, key)))
            case "required":
                keywords.append(.required(try context.stringArray(value, key)))
            case "dependentRequired":
                guard case .object(let map) = value else { throw context.error("dependentRequired must be an object") }
                var list: [(property: String, required: [String])] = []
                for (name, names) in map { list.append((name, try context.stringArray(names, "\(key)/\(name)"))) }
                keywords.append(.dependentRequired(list, keyword: key))
            case "dependencies":
                // Draft 07's keyword, which 2020-12 split in two; still honoured.
                guard case .object(let map) = value else { throw context.error("dependencies must be an object") }
                var required: [(property: String, required: [String])] = []
                var schemas: [(property: String, schema: Int)] = []
                for (name, dependency) in map {
                    if case .array = dependency {
                        required.append((name, try context.stringArray(dependency, "\(key)/\(name)")))
                    } else {
                        schemas.append((name, try subschema([key, name], dependency, context)))
                    }
                }
                if !required.isEmpty { keywords.append(.dependentRequired(required, keyword: key)) }
                if !schemas.isEmpty { keywords.append(.dependentSchemas(schemas, keyword: key)) }
            case "$ref":
                guard case .string(let reference) = value else { throw context.error("$ref must be a string") }
                let target = try resolveReference(reference, from: location, keyword: key)
                keywords.append(.ref(try node(for: target)))
            case "$dynamicRef":
                guard case .string(let reference) = value else { throw context.error("$dynamicRef must be a string") }
                keywords.append(.dynamicRef(try dynamicReference(reference, at: location)))
            case "$recursiveRef":
                throw context.error("$recursiveRef (draft 2019-09) is not supported; use $dynamicRef")
            case "allOf":
                keywords.append(.allOf(try subschemaList(key, value, context)))
            case "anyOf":
                keywords.append(.anyOf(try subschemaList(key, value, context)))
            case "oneOf":
                keywords.append(.oneOf(try subschemaList(key, value, context)))
            case "not":
                keywords.append(.not(try subschema([key], value, context)))
            case "if":
                let condition = try subschema([key], value, context)
                var then: Int?
                var otherwise: Int?
                if let branch = object["then"] { then = try subschema(["then"], branch, context) }
                if let branch = object["else"] { otherwise = try subschema(["else"], branch, context) }
                keywords.append(.conditional(if: condition, then: then, else: otherwise))
            case "then", "else":
                // Applied through "if" (compiled there); without one they are only checked.
                if object["if"] == nil { _ = try subschema([key], value, context) }
            case "dependentSchemas":
                keywords.append(.dependentSchemas(try subschemaMap(key, value, context), keyword: key))
            case "properties":
                var schemas: [SchemaExactString: Int] = [:]
                for (name, schema) in try subschemaMap(key, value, context) {
                    schemas[SchemaExactString(name)] = schema
                }
                keywords.append(.properties(schemas))
            case "patternProperties":
                keywords.append(.patternProperties(patterns))
            case "additionalProperties":
                let known = Set((object["properties"]?.objectValue?.keys ?? []).map(SchemaExactString.init))
                let schema = try subschema([key], value, context)
                keywords.append(.additionalProperties(schema, known: known, patterns: patterns.map(\.regex)))
            case "propertyNames":
                keywords.append(.propertyNames(try subschema([key], value, context)))
            case "prefixItems":
                keywords.append(.prefixItems(try subschemaList(key, value, context), keyword: key))
            case "items":
                if case .array(let list) = value {
                    guard dialect.hasArrayItems else {
                        throw context.error(
                            "items must be a schema (object or boolean); use prefixItems for a list of schemas")
                    }
                    if !list.isEmpty {
                        keywords.append(.prefixItems(try subschemaList(key, value, context), keyword: key))
                    }
                } else {
                    let start = dialect.hasArrayItems ? 0 : (object["prefixItems"]?.arrayValue?.count ?? 0)
                    keywords.append(.items(try subschema([key], value, context), start: start, keyword: key))
                }
            case "additionalItems":
                // Before 2020-12: the items after an array-form "items" (else ignored).
                guard dialect.hasArrayItems else { continue }
                let schema = try subschema([key], value, context)
                if case .array(let list)? = object["items"] {
                    keywords.append(.items(schema, start: list.count, keyword: key))
                }
            case "contains":
                var minimum = 1
                var maximum: Int?
                if let bound = object["minContains"] { minimum = try context.count(bound, "minContains") }
                if let bound = object["maxContains"] { maximum = try context.count(bound, "maxContains") }
                let schema = try subschema([key], value, context)
                keywords.append(.contains(schema, minimum: minimum, maximum: maximum))
            case "minContains", "maxContains":
                _ = try context.count(value, key)
            case "unevaluatedProperties":
                trailing.append(.unevaluatedProperties(try subschema([key], value, context)))
            case "unevaluatedItems":
                trailing.append(.unevaluatedItems(try subschema([key], value, context)))
            case "$defs", "definitions":
                // Compiled even if never referenced, so that a broken definition is reported.
                _ = try subschemaMap(key, value, context)
            case "format", "$comment", "title", "description", "contentEncoding", "contentMediaType":
                guard case .string = value else { throw context.error("\(key) must be a string") }
            default:
                // $id, $anchor, $dynamicAnchor and $schema (checked when indexing), annotations
                // (default, examples, deprecated, readOnly, writeOnly, contentSchema) and
                // unknown keywords.
                break
            }
        }
        return SchemaObject(keywords: keywords + trailing, resource: resource, tracksEvaluation: !trailing.isEmpty)
    }

    /// `maximum`/`minimum`, made exclusive by draft 04's boolean `exclusiveMaximum`/`exclusiveMinimum`.
    private func bound(
        _ key: String, _ value: JSONValue, _ context: SchemaKeywordContext
    ) throws(JSONSchemaError) -> SchemaKeyword {
        let number = try context.number(value, key)
        let text = value.numberText ?? ""
        let isMaximum = key == "maximum"
        let exclusive = dialect.hasBooleanExclusiveBounds
            && context.object[isMaximum ? "exclusiveMaximum" : "exclusiveMinimum"]?.boolValue == true
        switch (isMaximum, exclusive) {
        case (true, false): return .maximum(number, text: text)
        case (true, true): return .exclusiveMaximum(number, text: text)
        case (false, false): return .minimum(number, text: text)
        case (false, true): return .exclusiveMinimum(number, text: text)
        }
    }

    /// The node of the subschema at `tokens` below the current object, after checking that it
    /// is a schema (`properties/x must be a schema (object or boolean), not number`).
    private mutating func subschema(
        _ tokens: [String], _ value: JSONValue, _ context: SchemaKeywordContext
    ) throws(JSONSchemaError) -> Int {
        _ = try context.checkSchema(value, tokens.joined(separator: "/"))
        var location = context.location
        for token in tokens { location = location.appending(token) }
        return try node(for: location)
    }

    /// `allOf`, `anyOf`, `oneOf`, `prefixItems`: a non-empty array of schemas.
    private mutating func subschemaList(
        _ key: String, _ value: JSONValue, _ context: SchemaKeywordContext
    ) throws(JSONSchemaError) -> [Int] {
        guard case .array(let list) = value, !list.isEmpty else {
            throw context.error("\(key) must be a non-empty array of schemas")
        }
        var nodes: [Int] = []
        for (offset, child) in list.enumerated() {
            nodes.append(try subschema([key, String(offset)], child, context))
        }
        return nodes
    }

    /// `properties`, `dependentSchemas`, `$defs`: an object whose values are schemas.
    private mutating func subschemaMap(
        _ key: String, _ value: JSONValue, _ context: SchemaKeywordContext
    ) throws(JSONSchemaError) -> [(property: String, schema: Int)] {
        guard case .object(let map) = value else { throw context.error("\(key) must be an object") }
        var list: [(property: String, schema: Int)] = []
        for (name, child) in map {
            list.append((name, try subschema([key, name], child, context)))
        }
        return list
    }

    private mutating func compilePatternProperties(
        _ context: SchemaKeywordContext
    ) throws(JSONSchemaError) -> [(regex: SchemaRegex, schema: Int)] {
        guard let value = context.object["patternProperties"] else { return [] }
        guard case .object(let map) = value else { throw context.error("patternProperties must be an object") }
        var list: [(regex: SchemaRegex, schema: Int)] = []
        for (source, child) in map {
            let regex = try context.regex(source, "patternProperties key")
            list.append((regex, try subschema(["patternProperties", source], child, context)))
        }
        return list
    }

    /// `$dynamicRef`: resolved like `$ref`; it is dynamic only if its fragment is a plain name
    /// and the schema it lands on declares that name as its `$dynamicAnchor`.
    private mutating func dynamicReference(
        _ reference: String, at location: SchemaLocation
    ) throws(JSONSchemaError) -> SchemaDynamicReference {
        let target = try resolveReference(reference, from: location, keyword: "$dynamicRef")
        let fragment = SchemaURI(parsing: reference).fragment ?? ""
        var anchor: String?
        if !fragment.isEmpty, !fragment.hasPrefix("/"),
           case .object(let object)? = value(at: target), object["$dynamicAnchor"]?.stringValue == fragment
        {
            anchor = fragment
        }
        return SchemaDynamicReference(target: try node(for: target), anchor: anchor)
    }
}
