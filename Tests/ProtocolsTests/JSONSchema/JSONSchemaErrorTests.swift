import Protocols
import Testing

/// Invalid schemas are rejected at compile time with a code, a message and a location.
@Suite struct JSONSchemaErrorTests {
    private func error(_ schema: String) throws -> String? {
        try JSONSchemaTestSupport.compileError(schema)?.description
    }

    @Test func keywordValuesAreChecked() throws {
        #expect(try error(#"{"properties": {"x": {"minimum": "1"}}}"#) == "minimum must be a number at #/properties/x")
        #expect(try error(#"{"type": "strin"}"#)
            == #"unknown type "strin" (expected one of string, number, integer, boolean, object, array, null) at #"#)
        #expect(try error(#"{"type": 5}"#) == "type must be a string or a non-empty array of strings at #")
        #expect(try error(#"{"maxLength": -1}"#) == "maxLength must be a non-negative integer at #")
        #expect(try error(#"{"minItems": 1.5}"#) == "minItems must be a non-negative integer at #")
        #expect(try error(#"{"maxLength": 2.0}"#) == nil)
        #expect(try error(#"{"multipleOf": 0}"#) == "multipleOf must be greater than 0 at #")
        #expect(try error(#"{"required": ["a", 1]}"#) == "required must be an array of strings at #")
        #expect(try error(#"{"enum": "a"}"#) == "enum must be an array at #")
        #expect(try error(#"{"anyOf": []}"#) == "anyOf must be a non-empty array of schemas at #")
        #expect(try error(#"{"properties": {"a": 1}}"#)
            == "properties/a must be a schema (object or boolean), not number at #")
        #expect(try error(#"{"items": [{"type": "string"}]}"#)
            == "items must be a schema (object or boolean); use prefixItems for a list of schemas at #")
        #expect(try error(##"{"$defs": {"a": {"not": {"uniqueItems": "yes"}}}, "$ref": "#/$defs/a"}"##)
            == "uniqueItems must be a boolean at #/$defs/a/not")
        // Definitions are checked even when nothing refers to them.
        #expect(try error(#"{"$defs": {"unused": {"maxItems": "3"}}}"#)
            == "maxItems must be a non-negative integer at #/$defs/unused")
        #expect(try error("5") == "schema must be an object or a boolean, not number at #")
    }

    @Test func patternsMustBeECMA262() throws {
        let invalid = try #require(try JSONSchemaTestSupport.compileError(#"{"pattern": "(a"}"#))
        #expect(invalid.code == .invalidPattern)
        #expect(invalid.description == #"pattern "(a" is not a valid regular expression: missing ')' at #"#)
        #expect(try error(#"{"patternProperties": {"[z-a]": true}}"#)
            == #"patternProperties key "[z-a]" is not a valid regular expression: range out of order in character class at #"#)
        #expect(try error(#"{"pattern": "\\p{Script=Greek}"}"#)
            == #"pattern "\\p{Script=Greek}" is not a valid regular expression: "#
                + #"Unicode script properties (\p{Script=Greek}) are not supported at #"#)
    }

    @Test func referencesMustResolveWithinTheDocument() throws {
        let missing = try #require(
            try JSONSchemaTestSupport.compileError(##"{"properties": {"a": {"$ref": "#/$defs/nope"}}}"##))
        #expect(missing.code == .unresolvedReference)
        #expect(missing.description == ##"$ref "#/$defs/nope" does not resolve at #/properties/a"##)
        #expect(try error(##"{"$ref": "#nope"}"##) == ##"$ref "#nope" names no anchor at #"##)
        let remote = try #require(try JSONSchemaTestSupport.compileError(#"{"$ref": "https://example.com/other.json"}"#))
        #expect(remote.code == .unsupportedReference)
        #expect(remote.description
            == #"$ref "https://example.com/other.json" refers to another document; remote references are not supported at #"#)
        #expect(try JSONSchemaTestSupport.compileError(#"{"$ref": "other.json#/a"}"#)?.code == .unsupportedReference)
    }

    @Test func identifiersAndDialects() throws {
        #expect(try error(#"{"$id": "https://x.test/a#frag"}"#) == "$id must not contain a fragment (use $anchor) at #")
        #expect(try error(#"{"$anchor": "1bad"}"#) == "$anchor must be a name matching ^[A-Za-z_][-A-Za-z0-9._]*$ at #")
        #expect(try error(#"{"$defs": {"a": {"$id": "https://x.test/s"}, "b": {"$id": "https://x.test/s"}}}"#)
            == #"duplicate $id "https://x.test/s" at #/$defs/b"#)
        let dialect = try #require(
            try JSONSchemaTestSupport.compileError(#"{"$schema": "http://json-schema.org/draft-03/schema#"}"#))
        #expect(dialect.code == .unsupportedDialect)
        #expect(dialect.description == #"unsupported $schema "http://json-schema.org/draft-03/schema#""#
            + " (supported: draft 2020-12, 2019-09, 07, 06, 04) at #")
    }

    // A $ref loop that never descends into the instance could only recurse forever.
    @Test func referenceCyclesWithoutProgress() throws {
        let cycle = try #require(try JSONSchemaTestSupport.compileError(##"""
            {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}, "$ref": "#/$defs/a"}
            """##))
        #expect(cycle.code == .referenceCycle)
        #expect(cycle.message == "references loop without descending into the instance"
            + " (#/$defs/a → #/$defs/b → #/$defs/b/allOf/0 → #/$defs/a)")
        #expect(try error(##"{"anyOf": [{"type": "string"}, {"$ref": "#"}]}"##) != nil)
        // Recursion through a child location is fine.
        #expect(try error(##"{"properties": {"next": {"$ref": "#"}}}"##) == nil)
    }

    @Test func errorEquality() throws {
        let a = try #require(try JSONSchemaTestSupport.compileError(#"{"minimum": true}"#))
        let b = try #require(try JSONSchemaTestSupport.compileError(#"{"minimum": "x"}"#))
        #expect(a == b)
        #expect(a.code == .invalidSchema)
        #expect(a.schemaLocation == "#")
        #expect(String(describing: a.code) == "invalid schema")
    }
}
