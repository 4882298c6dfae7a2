import Protocols
import Testing

/// Hostile inputs stay bounded: deep instances, long `$ref` chains, catastrophic patterns.
@Suite struct JSONSchemaLimitsTests {
    /// `[[[…]]]`, `depth` arrays deep (deeper than the parser allows, so built directly).
    private func nestedArrays(_ depth: Int) -> JSONValue {
        var value = JSONValue.array([])
        for _ in 0..<depth { value = .array([value]) }
        return value
    }

    @Test func deepInstanceAgainstRecursiveSchema() async throws {
        let schema = try JSONSchemaTestSupport.schema(
            ##"{"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"}"##)
        let shallow = nestedArrays(100)
        let deep = nestedArrays(JSONSchema.defaultMaximumInstanceDepth + 50)
        // On a cooperative-pool thread, whose stack is smaller than the main thread's.
        let (shallowProblems, deepProblems) = await Task.detached {
            (schema.validate(shallow), schema.validate(deep))
        }.value
        #expect(shallowProblems == [])
        #expect(deepProblems.count == 1)
        #expect(deepProblems.first?.message == "instance nesting too deep")
        let depth = deepProblems.first?.instanceLocation.split(separator: "/").count
        #expect(depth == JSONSchema.defaultMaximumInstanceDepth + 1)
    }

    @Test func longReferenceChainIsBounded() throws {
        // #/$defs/d0 → d1 → … → d2999, all on the same instance location.
        var defs = JSONObject()
        for index in 0..<3000 {
            defs["d\(index)"] = .object(["$ref": .string("#/$defs/d\(index + 1)")])
        }
        defs["d3000"] = .object(["type": .string("string")])
        let schema = try JSONSchema(.object(["$defs": .object(defs), "$ref": .string("#/$defs/d0")]))
        #expect(schema.validate(.string("x")).map(\.message) == ["schema evaluation too deep"])
    }

    @Test func catastrophicPatternGivesUp() throws {
        let schema = try JSONSchemaTestSupport.schema(#"{"pattern": "^(a+)+$"}"#)
        let problems = schema.validate(.string(String(repeating: "a", count: 40) + "!"))
        #expect(problems.map(\.message) == [#"pattern "^(a+)+$" is too expensive to evaluate on this value"#])
    }

    @Test func concurrentValidation() async throws {
        let schema = try JSONSchemaTestSupport.schema(
            #"{"type": "object", "patternProperties": {"^[a-z]+$": {"type": "integer"}}}"#)
        let results = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    var failures = 0
                    for step in 0..<200 {
                        let valid: JSONValue = .object(["key": .int(index * step)])
                        let invalid: JSONValue = .object(["key": .string("x")])
                        if !schema.isValid(valid) || schema.isValid(invalid) { failures += 1 }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(results == 0)
    }
}
