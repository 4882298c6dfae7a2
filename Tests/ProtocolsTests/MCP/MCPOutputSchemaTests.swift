import Protocols
import Testing

/// `outputSchema` is what the codec writes: random messages' canonical ProtoJSON validates
/// against it (checked by the project's JSON Schema validator), and values the codec never
/// writes do not.
@Suite struct MCPOutputSchemaTests {
    static let cases: [(set: DescriptorSet, message: String)] = [
        (CodecHarness.set, "codec.test.AllTypes"), (CodecHarness.set, "codec.test2.Proto2Message"),
        (CodecHarness.set, "codec.test.Batch"), (GatewayFixtures.set, "gw.test.v1.Task"),
        (GatewayFixtures.set, "gw.test.v1.Everything"), (GatewayFixtures.set, "google.protobuf.Struct"),
        (GatewayFixtures.set, "google.protobuf.Any"),
    ]

    // Many random messages per type, every field kind: decoded JSON always validates.
    @Test(arguments: 0..<cases.count)
    func randomMessagesValidate(index: Int) throws {
        let (set, name) = Self.cases[index]
        let message = try #require(set.message(fullName: name))
        let schemaJSON = try #require(MCPToolSchema.outputSchema(for: message, in: set))
        #expect(schemaJSON["type"] == "object")
        let schema = try JSONSchema(schemaJSON)
        var random = RandomMessage(seed: 0x5EED + UInt64(index), set: set, maximumDepth: 3)
        var nonEmpty = 0
        for _ in 0..<150 {
            let bytes = random.bytes(for: message)
            let output = try ProtobufCodec.decodeToJSON(bytes, message: message, in: set)
            if output.objectValue?.isEmpty == false { nonEmpty += 1 }
            let violations = schema.validate(output)
            #expect(violations.isEmpty, "\(name): \(violations) for \(JSONWriter().string(output))")
            if !violations.isEmpty { break }
        }
        #expect(nonEmpty > 50, "the generator should fill many messages")
    }

    // Values the codec never writes are refused: the schema is strict enough to catch a
    // codec regression, not just "any object".
    @Test func refusesWhatTheCodecNeverWrites() throws {
        let everything = GatewayFixtures.message("Everything")
        let schema = try JSONSchema(try #require(MCPToolSchema.outputSchema(for: everything, in: GatewayFixtures.set)))
        #expect(schema.isValid(try json(#"{"fInt64":"-12","fUint64":"18446744073709551615","fDouble":"NaN","fFloat":1.5}"#)))
        #expect(schema.isValid(try json(#"{"priority":"PRIORITY_LOW","duration":"-1.500s","customAlias":"x","nullValue":null}"#)))
        #expect(schema.isValid(try json(#"{"priority":7,"byFlag":{"true":"3"},"byUnsigned":{"0":"z"},"wUint32":4294967295}"#)))
        let refused = [
            #"{"f_int64":"1"}"#,  // proto name instead of JSON name
            #"{"custom_field":"x"}"#, #"{"unknown":1}"#,  // not a field
            #"{"fInt64":12}"#, #"{"fInt64":"012"}"#, #"{"fUint64":"-1"}"#,  // 64-bit integers are canonical strings
            #"{"fInt32":2147483648}"#, #"{"fUint32":-1}"#, #"{"fInt32":"5"}"#,
            #"{"fDouble":"1.5"}"#, #"{"fBytes":"a-b_"}"#, #"{"fBool":"true"}"#,
            #"{"priority":"PRIORITY_MEDIUM"}"#, #"{"byFlag":{"yes":"1"}}"#, #"{"byUnsigned":{"-1":"x"}}"#,
            #"{"duration":"1.5s"}"#, #"{"duration":"PT1S"}"#, #"{"wInt64":5}"#, #"{"nullValue":0}"#,
            #"{"empty":{"x":1}}"#, #"{"mask":["a"]}"#,
        ]
        for text in refused {
            #expect(!schema.isValid(try json(text)), "\(text)")
        }

        let task = try JSONSchema(
            try #require(MCPToolSchema.outputSchema(for: GatewayFixtures.message("Task"), in: GatewayFixtures.set)))
        #expect(task.isValid(try json(#"{"user":"ann"}"#)))
        #expect(task.isValid(try json(#"{"team":{"name":"ops"}}"#)))
        #expect(!task.isValid(try json(#"{"user":"ann","team":{"name":"ops"}}"#)), "two members of one oneof")
        #expect(!task.isValid(try json(#"{"due":"2024-01-01T00:00:00.1Z"}"#)), "3, 6 or 9 fractional digits")
        #expect(task.isValid(try json(#"{"due":"2024-01-01T00:00:00.100Z"}"#)))
        #expect(!task.isValid(try json(#"{"teamsById":{"x":{}}}"#)))
        #expect(!task.isValid(try json(#"{"subtasks":[{"subtasks":[{"title":5}]}]}"#)), "nested deep")
    }

    // Every message is defined once under $defs and referenced, so recursion validates at
    // any depth (the input schema's cut-off would not).
    @Test func validatesRecursionAtAnyDepth() throws {
        let task = GatewayFixtures.message("Task")
        let schemaJSON = try #require(MCPToolSchema.outputSchema(for: task, in: GatewayFixtures.set))
        #expect(schemaJSON.at("$defs", "gw.test.v1.Task", "type") == "object")
        #expect(schemaJSON.at("$defs", "gw.test.v1.Team", "properties", "parents", "items") == ["$ref": "#/$defs/gw.test.v1.Team"])
        #expect(schemaJSON.at("properties", "subtasks", "description") == "Smaller tasks.")
        #expect(schemaJSON["description"] == "A unit of work.")
        #expect(schemaJSON["additionalProperties"] == false)
        let schema = try JSONSchema(schemaJSON)
        var deep: JSONValue = ["title": "leaf"]
        for level in 0..<12 { deep = ["subtasks": [deep], "revision": .string(String(level))] }
        #expect(schema.isValid(deep))
        var bad: JSONValue = ["title": 1]
        for _ in 0..<12 { bad = ["parent": bad] }
        #expect(!schema.isValid(bad))
    }

    // Responses whose ProtoJSON is not always an object get no output schema.
    @Test func omitsSchemasForNonObjectResponses() throws {
        let set = GatewayFixtures.set
        func schema(_ name: String) throws -> JSONValue? {
            MCPToolSchema.outputSchema(for: try #require(set.message(fullName: name)), in: set)
        }
        for name in [
            "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
            "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Int64Value",
        ] {
            #expect(try schema(name) == nil, "\(name)")
        }
        #expect(try schema("google.protobuf.Struct") == ["type": "object"])
        let empty = try #require(try schema("google.protobuf.Empty"))
        #expect(try JSONSchema(empty).isValid(["x": 1]) == false)
        #expect(try JSONSchema(empty).isValid(.object(JSONObject())))
    }
}
