import Protocols
import Testing

/// The keywords real service packages use, with the exact messages and locations users see.
@Suite struct JSONSchemaTests {
    private func problems(_ schema: String, _ instance: String) throws -> [String] {
        try JSONSchemaTestSupport.problems(JSONSchemaTestSupport.schema(schema), instance)
    }

    // A typical config schema: every problem is reported, in document order, with pointers.
    @Test func typicalConfigSchema() throws {
        let schema = try JSONSchemaTestSupport.schema("""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "properties": {
                "label": {"type": "string", "minLength": 1, "maxLength": 8},
                "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                "mode": {"enum": ["fast", "safe"], "default": "safe"},
                "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}, "uniqueItems": true}
              },
              "required": ["label", "port"],
              "additionalProperties": false
            }
            """)
        #expect(try JSONSchemaTestSupport.problems(schema, #"{"label": "gateway", "port": 8080}"#) == [])
        let instance = #"{"label": 5, "port": 0, "mode": "slow", "tags": ["ok", "Bad", "ok"], "extra": 1}"#
        #expect(try JSONSchemaTestSupport.problems(schema, instance) == [
            "/label: expected string, got number",
            "/port: must be at least 1",
            #"/mode: value must be one of "fast" or "safe""#,
            #"/tags/1: does not match pattern "^[a-z]+$""#,
            "/tags: items must be unique (items 0 and 2 are equal)",
            #"(root): unexpected property "extra""#,
        ])
        #expect(try JSONSchemaTestSupport.problems(schema, "{}") == [
            #"(root): missing required property "label""#,
            #"(root): missing required property "port""#,
        ])
        #expect(try JSONSchemaTestSupport.problems(schema, "[]") == ["(root): expected object, got array"])
    }

    @Test func violationFields() throws {
        let schema = try JSONSchemaTestSupport.schema(#"{"properties": {"label": {"type": "string"}}}"#)
        let violations = schema.validate(try JSONParser.parse(#"{"label": 5}"#))
        #expect(violations == [
            JSONSchemaViolation(
                instanceLocation: "/label", keywordLocation: "/properties/label/type",
                message: "expected string, got number"),
        ])
        #expect(violations.first?.description == "/label: expected string, got number")
        #expect(try JSONSchema(.bool(false)).validate(.null).first?.description == "(root): value is not allowed")
    }

    @Test func type() throws {
        #expect(try problems(#"{"type": "integer"}"#, "1.0") == [])
        #expect(try problems(#"{"type": "integer"}"#, "1e3") == [])
        #expect(try problems(#"{"type": "integer"}"#, "1.5") == ["(root): expected integer, got number"])
        #expect(try problems(#"{"type": ["string", "null"]}"#, "null") == [])
        #expect(try problems(#"{"type": ["string", "null"]}"#, "true") == [
            "(root): expected string or null, got boolean",
        ])
        #expect(try problems(#"{"type": ["object", "array", "number"]}"#, #""x""#) == [
            "(root): expected number, object or array, got string",
        ])
    }

    @Test func enumAndConst() throws {
        #expect(try problems(#"{"enum": [1, "a", null]}"#, "1.0") == [])
        #expect(try problems(#"{"enum": [1, "a", null]}"#, "2") == [#"(root): value must be one of 1, "a" or null"#])
        #expect(try problems(#"{"enum": ["only"]}"#, "2") == [#"(root): value must be "only""#])
        #expect(try problems(#"{"enum": [{"a": [1]}]}"#, #"{"a": [1.0]}"#) == [])
        #expect(try problems(#"{"const": "x"}"#, #""y""#) == [#"(root): value must be "x""#])
        #expect(try problems(#"{"const": {"b": 1, "a": 2}}"#, #"{"a": 2, "b": 1}"#) == [])
        #expect(try problems(#"{"const": false}"#, "0") == ["(root): value must be false"])
        // Code points, not canonical equivalence.
        #expect(try problems(#"{"const": "\u00e9"}"#, #""e\u0301""#) == [#"(root): value must be "é""#])
    }

    @Test func numbers() throws {
        let range = #"{"minimum": 0.5, "maximum": 10}"#
        #expect(try problems(range, "0.5") == [])
        #expect(try problems(range, "0.4") == ["(root): must be at least 0.5"])
        #expect(try problems(range, "1e1") == [])
        #expect(try problems(range, "10.000000000000000001") == ["(root): must be at most 10"])
        let open = #"{"exclusiveMinimum": 0, "exclusiveMaximum": 1}"#
        #expect(try problems(open, "0") == ["(root): must be greater than 0"])
        #expect(try problems(open, "1") == ["(root): must be less than 1"])
        #expect(try problems(#"{"multipleOf": 0.01}"#, "19.99") == [])
        #expect(try problems(#"{"multipleOf": 0.01}"#, "19.999") == ["(root): must be a multiple of 0.01"])
        // Exact beyond 64 bits and Double.
        #expect(try problems(#"{"maximum": 18446744073709551615}"#, "18446744073709551616") == [
            "(root): must be at most 18446744073709551615",
        ])
        #expect(try problems(#"{"type": "integer", "minimum": 1e308}"#, "1e309") == [])
        #expect(try problems(#"{"multipleOf": 3}"#, "12345678901234567890123") == [])
        // Non-numbers are ignored by numeric keywords.
        #expect(try problems(#"{"minimum": 5}"#, #""3""#) == [])
    }

    @Test func strings() throws {
        #expect(try problems(#"{"minLength": 2, "maxLength": 3}"#, #""日本""#) == [])
        #expect(try problems(#"{"maxLength": 2}"#, #""🐲🐲🐲""#) == ["(root): must be at most 2 characters long (got 3)"])
        #expect(try problems(#"{"minLength": 1}"#, #""""#) == ["(root): must be at least 1 character long (got 0)"])
        #expect(try problems(#"{"pattern": "\\d{3}"}"#, #""ab123""#) == [])
        #expect(try problems(#"{"pattern": "^\\d{3}$"}"#, #""ab123""#) == [#"(root): does not match pattern "^\d{3}$""#])
        // ECMA-262: \d is ASCII only, $ does not match before a trailing newline.
        #expect(try problems(#"{"pattern": "^\\d$"}"#, #""\u0661""#) == [#"(root): does not match pattern "^\d$""#])
        #expect(try problems(#"{"pattern": "^a$"}"#, #""a\n""#) == [#"(root): does not match pattern "^a$""#])
    }

    @Test func itemsAndPrefixItems() throws {
        let tuple = #"{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}"#
        #expect(try problems(tuple, #"["a", 1]"#) == [])
        #expect(try problems(tuple, #"["a", "b", 3]"#) == [
            "/1: expected integer, got string",
            "(root): must have at most 2 items (got 3)",
        ])
        #expect(try problems(#"{"items": {"minimum": 0}, "minItems": 1, "maxItems": 2}"#, "[-1, 2, 3]") == [
            "/0: must be at least 0",
            "(root): must have at most 2 items (got 3)",
        ])
        #expect(try problems(#"{"minItems": 1}"#, "[]") == ["(root): must have at least 1 item (got 0)"])
        #expect(try problems(#"{"contains": {"const": 1}, "minContains": 2}"#, "[1, 2]") == [
            "(root): must contain at least 2 items matching the contains schema (found 1)",
        ])
        #expect(try problems(#"{"contains": {"type": "string"}}"#, "[1]") == [
            "(root): must contain at least one item matching the contains schema",
        ])
    }

    @Test func objects() throws {
        let schema = #"""
            {"properties": {"a": {"type": "integer"}}, "patternProperties": {"^x-": {"type": "string"}},
             "additionalProperties": {"type": "boolean"}, "minProperties": 1, "maxProperties": 3,
             "propertyNames": {"maxLength": 5}, "dependentRequired": {"a": ["b"]}}
            """#
        #expect(try problems(schema, #"{"a": 1, "b": true, "x-y": "s"}"#) == [])
        #expect(try problems(schema, #"{"x-y": 1, "c": "no"}"#) == [
            "/x-y: expected string, got number",
            "/c: expected boolean, got string",
        ])
        #expect(try problems(schema, #"{"a": 1}"#) == [#"(root): missing property "b", required when "a" is present"#])
        #expect(try problems(schema, #"{"toolong": true}"#) == [
            #"(root): invalid property name "toolong": must be at most 5 characters long (got 7)"#,
        ])
        #expect(try problems(schema, "{}") == ["(root): must have at least 1 property (got 0)"])
        // Member names with '/' and '~' are escaped in pointers.
        #expect(try problems(#"{"properties": {"a/b~c": {"type": "null"}}}"#, #"{"a/b~c": 1}"#) == [
            "/a~1b~0c: expected null, got number",
        ])
    }

    @Test func combinators() throws {
        #expect(try problems(#"{"allOf": [{"minimum": 1}, {"maximum": 3}]}"#, "5") == ["(root): must be at most 3"])
        let anyOf = #"{"anyOf": [{"type": "string"}, {"minimum": 10}]}"#
        #expect(try problems(anyOf, "12") == [])
        #expect(try problems(anyOf, "5") == [
            "(root): value does not match any of the anyOf schemas: [0] expected string, got number;"
                + " [1] must be at least 10",
        ])
        let oneOf = #"{"oneOf": [{"required": ["token"]}, {"required": ["user", "password"]}]}"#
        #expect(try problems(oneOf, #"{"token": "t"}"#) == [])
        #expect(try problems(oneOf, #"{"user": "u"}"#) == [
            #"(root): value does not match any of the oneOf schemas: [0] missing required property "token";"#
                + #" [1] missing required property "password""#,
        ])
        #expect(try problems(oneOf, #"{"token": "t", "user": "u", "password": "p"}"#) == [
            "(root): value matches more than one of the oneOf schemas (0 and 1)",
        ])
        let nested = #"""
            {"properties": {"a": {"oneOf": [{"type": "object", "properties": {"b": {"type": "string"}}},
                                            {"type": "null"}]}}}
            """#
        #expect(try problems(nested, #"{"a": {"b": 1}}"#) == [
            "/a: value does not match any of the oneOf schemas: [0] /a/b: expected string, got number;"
                + " [1] expected null, got object",
        ])
        #expect(try problems(#"{"not": {"type": "null"}}"#, "null") == [#"(root): value must not match the "not" schema"#])
        let conditional = #"""
            {"if": {"properties": {"tls": {"const": true}}}, "then": {"required": ["cert"]}, "else": {"maxProperties": 1}}
            """#
        #expect(try problems(conditional, #"{"tls": true}"#) == [#"(root): missing required property "cert""#])
        #expect(try problems(conditional, #"{"tls": false, "x": 1}"#) == ["(root): must have at most 1 property (got 2)"])
    }

    @Test func keywordLocationsFollowReferences() throws {
        let schema = try JSONSchemaTestSupport.schema(#"""
            {"$defs": {"port": {"type": "integer", "maximum": 65535}},
             "properties": {"port": {"$ref": "#/$defs/port"}},
             "if": {"required": ["x"]}, "then": {"properties": {"x": {"type": "null"}}}}
            """#)
        let violations = schema.validate(try JSONParser.parse(#"{"port": 70000, "x": 1}"#))
        #expect(violations.map(\.keywordLocation) == ["/properties/port/$ref/maximum", "/then/properties/x/type"])
        #expect(violations.map(\.instanceLocation) == ["/port", "/x"])
    }

    @Test func refsDefsAndAnchors() throws {
        let schema = #"""
            {"$id": "https://example.com/config.json",
             "$defs": {"name": {"$anchor": "name", "type": "string", "minLength": 1},
                       "node": {"type": "object",
                                "properties": {"name": {"$ref": "#name"},
                                               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}},
                       "legacy": {"$ref": "config.json#/definitions/x"}},
             "definitions": {"x": {"type": "boolean"}},
             "properties": {"root": {"$ref": "#/$defs/node"}, "flag": {"$ref": "#/$defs/legacy"}}}
            """#
        let valid = #"{"root": {"name": "a", "children": [{"name": "b", "children": []}]}, "flag": true}"#
        #expect(try problems(schema, valid) == [])
        #expect(try problems(schema, #"{"root": {"name": "a", "children": [{"name": ""}]}, "flag": 1}"#) == [
            "/root/children/0/name: must be at least 1 character long (got 0)",
            "/flag: expected boolean, got number",
        ])
    }

    // `default`, `title`, `examples`, `format` and friends are annotations: never asserted.
    @Test func annotationsAreNotAsserted() throws {
        let schema = #"""
            {"properties": {"a": {"default": 5, "type": "string", "title": "A", "format": "email", "examples": [1]}}}
            """#
        #expect(try problems(schema, #"{"a": "not an email"}"#) == [])
        #expect(try problems(schema, "{}") == [])
        let unknown = #"{"default": "x", "deprecated": true, "readOnly": true, "x-vendor": {"type": "number"}}"#
        #expect(try problems(unknown, "[]") == [])
    }

    @Test func booleanSchemas() throws {
        #expect(try problems("true", "[1]") == [])
        #expect(try problems("false", "1") == ["(root): value is not allowed"])
        #expect(try problems(#"{"properties": {"gone": false}}"#, #"{"gone": 1}"#) == ["/gone: value is not allowed"])
    }

    @Test func unevaluatedProperties() throws {
        let schema = #"""
            {"allOf": [{"properties": {"a": true}}], "if": {"required": ["b"]}, "then": {"properties": {"b": true}},
             "unevaluatedProperties": false}
            """#
        #expect(try problems(schema, #"{"a": 1, "b": 2}"#) == [])
        #expect(try problems(schema, #"{"a": 1, "c": 2}"#) == [#"(root): unexpected property "c""#])
    }

    @Test func dynamicRefExtendsARecursiveSchema() throws {
        let schema = #"""
            {"$id": "https://example.com/strict-tree", "$dynamicAnchor": "node", "$ref": "tree",
             "unevaluatedProperties": false,
             "$defs": {"tree": {"$id": "tree", "$dynamicAnchor": "node", "type": "object",
                                "properties": {"data": true,
                                               "children": {"type": "array", "items": {"$dynamicRef": "#node"}}}}}}
            """#
        #expect(try problems(schema, #"{"children": [{"data": 1}]}"#) == [])
        // Only the misspelt member is reported, not "children" whose subschema failed.
        #expect(try problems(schema, #"{"children": [{"daat": 1}]}"#) == [#"/children/0: unexpected property "daat""#])
    }

    @Test func metaSchemaReference() throws {
        let schema = #"{"$ref": "https://json-schema.org/draft/2020-12/schema"}"#
        #expect(try problems(schema, #"{"type": "string", "minLength": 1}"#) == [])
        #expect(try problems(schema, #"{"minLength": -1}"#).count == 1)
    }

    @Test func limitStopsCollecting() throws {
        let schema = try JSONSchemaTestSupport.schema(#"{"items": {"type": "string"}}"#)
        let instance = try JSONParser.parse("[1, 2, 3, 4, 5]")
        #expect(schema.validate(instance, limit: 2).map(\.instanceLocation) == ["/0", "/1"])
        #expect(schema.validate(instance, limit: 0).count == 1)
        #expect(schema.validate(instance).count == 5)
        #expect(!schema.isValid(instance))
        #expect(schema.isValid(try JSONParser.parse(#"["a"]"#)))
    }

    // Draft-07 documents keep their meaning: tuple `items`, `additionalItems`, `$ref` overriding siblings.
    @Test func draft07Compatibility() throws {
        let schema = #"""
            {"$schema": "http://json-schema.org/draft-07/schema#",
             "definitions": {"s": {"type": "string"}},
             "properties": {"pair": {"items": [{"$ref": "#/definitions/s"}, {"type": "integer"}],
                                     "additionalItems": false},
                            "name": {"$ref": "#/definitions/s", "maxLength": 1}},
             "dependencies": {"a": ["b"]}}
            """#
        #expect(try problems(schema, #"{"pair": ["x", 1], "name": "long is fine: $ref wins"}"#) == [])
        #expect(try problems(schema, #"{"pair": ["x", 1, 2]}"#) == ["/pair: must have at most 2 items (got 3)"])
        #expect(try problems(schema, #"{"a": 1}"#) == [#"(root): missing property "b", required when "a" is present"#])
    }

    @Test func draft04ExclusiveBounds() throws {
        let schema = #"{"$schema": "http://json-schema.org/draft-04/schema#", "minimum": 0, "exclusiveMinimum": true}"#
        #expect(try problems(schema, "0") == ["(root): must be greater than 0"])
        #expect(try problems(schema, "0.1") == [])
    }
}
