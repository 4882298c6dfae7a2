import Protocols
import Testing

/// `inputSchema` against SPEC §8.5, on protos compiled by the real protoc.
@Suite struct MCPInputSchemaTests {
    let set = GatewayFixtures.set

    func schema(_ message: String) -> JSONValue {
        MCPToolSchema.inputSchema(for: GatewayFixtures.message(message), in: set)
    }

    // Proto names as keys, `required` from field_behavior REQUIRED only (OPTIONAL does not
    // count; OUTPUT_ONLY + REQUIRED does), message and field comments as descriptions.
    @Test func describesAPlainMessageExactly() throws {
        let expected = try json(
            """
            {"type":"object","description":"Which task to get.",
             "properties":{"id":{"type":"string","description":"The task id."},"verbose":{"type":"boolean"},
                           "etag":{"type":"string"}},
             "required":["id","etag"]}
            """)
        #expect(schema("GetTaskRequest").normalized == expected.normalized)
    }

    // Every scalar kind, WKT form, map key kind and the enum, as SPEC §8.5 tabulates them.
    @Test func usesTheSpecTypeTable() throws {
        let properties = try #require(schema("Everything")["properties"]?.objectValue)
        func type(_ name: String) -> JSONValue? { properties[name]?.normalized }
        for name in ["f_int32", "f_uint32", "f_sint32", "f_fixed32", "f_sfixed32"] {
            #expect(type(name) == (try json(#"{"type":"integer"}"#)), "\(name)")
        }
        for name in ["f_int64", "f_uint64", "f_sint64", "f_fixed64", "f_sfixed64"] {
            #expect(type(name) == (try json(#"{"type":"string"}"#)), "\(name)")
        }
        #expect(type("f_double") == (try json(#"{"type":"number"}"#)))
        #expect(type("f_float") == (try json(#"{"type":"number"}"#)))
        #expect(type("f_bool") == (try json(#"{"type":"boolean"}"#)))
        #expect(type("f_string") == (try json(#"{"type":"string"}"#)))
        #expect(type("f_bytes") == (try json(#"{"type":"string","contentEncoding":"base64","format":"byte"}"#).normalized))
        #expect(
            type("priority")
                == (try json(#"{"type":"string","enum":["PRIORITY_UNSPECIFIED","PRIORITY_LOW","PRIORITY_HIGH"]}"#)
                    .normalized))
        #expect(
            type("by_flag")
                == (try json(
                    #"{"type":"object","propertyNames":{"type":"string","enum":["true","false"]},"additionalProperties":{"type":"string"}}"#
                ).normalized))
        #expect(
            type("by_unsigned")
                == (try json(
                    #"{"type":"object","propertyNames":{"type":"string","pattern":"^(0|[1-9]\\d*)$"},"additionalProperties":{"type":"string"}}"#
                ).normalized))
        // The JSON name is not used: keys are proto names (SPEC §13.18).
        #expect(properties["custom_field"] != nil)
        #expect(properties["customAlias"] == nil)

        let wellKnown: [(String, String)] = [
            ("duration", #"{"type":["string","null"],"pattern":"^-?[0-9]+(\\.[0-9]+)?s$"}"#),
            ("struct", #"{"type":"object","additionalProperties":true}"#),
            (
                "value",
                #"{"description":"represents a google.protobuf.Value, a dynamic JSON value (string, number, boolean, array, object)."}"#
            ),
            ("list", #"{"type":"array","items":{}}"#),
            ("mask", #"{"type":"string"}"#),
            (
                "any",
                #"{"type":["object","null"],"properties":{"@type":{"type":"string"},"value":{}},"required":["@type"]}"#
            ),
            ("w_double", #"{"type":["number","null"]}"#), ("w_float", #"{"type":["number","null"]}"#),
            ("w_int32", #"{"type":["number","null"]}"#), ("w_uint32", #"{"type":["number","null"]}"#),
            ("w_int64", #"{"type":["string","null"]}"#), ("w_uint64", #"{"type":["string","null"]}"#),
            ("w_string", #"{"type":["string","null"]}"#), ("w_bool", #"{"type":["boolean","null"]}"#),
            ("w_bytes", #"{"type":["string","null"],"format":"byte"}"#),
            ("null_value", #"{"type":"string","enum":["NULL_VALUE"]}"#),
        ]
        for (name, expected) in wellKnown {
            #expect(type(name) == (try json(expected).normalized), "\(name)")
        }
        // Empty is an ordinary message (described by its own comment).
        var empty = try #require(properties["empty"]?.objectValue)
        #expect(empty["description"]?.stringValue?.hasPrefix("A generic empty message") == true)
        empty["description"] = nil
        #expect(JSONValue.object(empty).normalized == (try json(#"{"type":"object","properties":{},"required":[]}"#)).normalized)
        let task = schema("Task")
        #expect(
            task.at("properties", "due")?.normalized == (try json(#"{"type":["string","null"],"format":"date-time"}"#).normalized))
        #expect(
            task.at("properties", "teams_by_id", "propertyNames")?.normalized
                == (try json(#"{"type":"string","pattern":"^-?(0|[1-9]\\d*)$"}"#).normalized))
        #expect(task.at("properties", "labels", "propertyNames") == (try json(#"{"type":"string"}"#)))
    }

    // A real oneof leaves `properties` for an `anyOf` entry of single-member branches; a
    // proto3 `optional` (synthetic oneof) stays a plain property.
    @Test func rendersOneofsAsAnyOfOneOf() throws {
        let task = schema("Task")
        #expect(task.at("properties", "user") == nil)
        #expect(task.at("properties", "team") == nil)
        #expect(task.at("properties", "note") == (try json(#"{"type":"string"}"#)))
        let groups = try #require(task["anyOf"]?.arrayValue)
        #expect(groups.count == 1)
        let group = groups[0]
        #expect(group["$comment"] == "In this schema, there is a oneOf group for every protobuf oneOf block in the message.")
        #expect(group["description"] == "Who owns the task.")
        let branches = try #require(group["oneOf"]?.arrayValue)
        #expect(branches.count == 2)
        #expect(
            branches[0].normalized
                == (try json(#"{"properties":{"user":{"type":"string","description":"A user name."}},"required":["user"]}"#)
                    .normalized))
        #expect(branches[1]["required"] == ["team"])
        // A field's comment is prepended to its message's comment, with a blank line.
        #expect(branches[1].at("properties", "team", "description") == "A team.\n\nA group of people.")
        #expect(task["required"] == ["id"])
    }

    // Comments describe messages wherever they appear: nested, list items, map values.
    @Test func describesNestedListAndMapSchemas() throws {
        let task = schema("Task")
        #expect(task["description"] == "A unit of work.")
        #expect(task.at("properties", "subtasks", "description") == "Smaller tasks.")
        #expect(task.at("properties", "subtasks", "type") == "array")
        #expect(task.at("properties", "subtasks", "items", "description") == "A unit of work.")
        #expect(task.at("properties", "teams_by_id", "additionalProperties", "description") == "A group of people.")
        #expect(task.at("properties", "labels", "description") == "Labels by name.")
        #expect(task.at("properties", "parent", "description") == "A unit of work.")
        #expect(task.at("properties", "title", "description") == "The title.")
    }

    // A message expanded 3 times on the current path becomes a JSON-string placeholder;
    // siblings are counted separately (the count is per path, not per schema).
    @Test func cutsRecursionAfterThreeExpansions() throws {
        let top = schema("Task")
        let second = try #require(top.at("properties", "subtasks", "items"))
        let third = try #require(second.at("properties", "subtasks", "items"))
        #expect(third["type"] == "object")
        let cut = try #require(third.at("properties", "subtasks", "items"))
        #expect(cut == (try json(#"{"type":"string","description":"JSON-encoded Task. Provide a JSON object as a string."}"#)))
        // `parent` on the third level is cut too, with the field's description (none) kept.
        #expect(third.at("properties", "parent", "type") == "string")
        // Team expands three times inside the third Task as well: its own path starts there.
        let team = try #require(third.at("properties", "teams_by_id", "additionalProperties"))
        let teamCut = try #require(team.at("properties", "parents", "items", "properties", "parents", "items", "properties", "parents", "items"))
        #expect(teamCut["description"] == "JSON-encoded Team. Provide a JSON object as a string.")
        #expect(team.at("properties", "parents", "description") == "Enclosing teams.")

        let deeper = MCPToolSchema.inputSchema(
            for: GatewayFixtures.message("Task"), in: set, maximumRecursiveExpansions: 1)
        #expect(deeper.at("properties", "parent", "type") == "string")
    }

    // The top-level `type` is forced to `object`, even for a well-known type as the request.
    @Test func forcesTheTopLevelTypeToObject() throws {
        let timestamp = try #require(set.message(fullName: "google.protobuf.Timestamp"))
        let schema = MCPToolSchema.inputSchema(for: timestamp, in: set)
        #expect(schema["type"] == "object")
        #expect(schema.at("properties", "seconds", "type") == "string")
        #expect(schema.at("properties", "nanos", "type") == "integer")
        let empty = try #require(set.message(fullName: "google.protobuf.Empty"))
        #expect(MCPToolSchema.inputSchema(for: empty, in: set)["type"] == "object")
    }

    // The schemas are valid JSON Schema that accept what the codec accepts and refuse
    // arguments breaking `required` or a oneof.
    @Test func validatesArgumentsWithTheProjectsValidator() throws {
        let getTask = try JSONSchema(schema("GetTaskRequest"))
        #expect(getTask.isValid(try json(#"{"id":"t1","etag":"e"}"#)))
        #expect(!getTask.isValid(try json(#"{"verbose":true}"#)))
        #expect(!getTask.isValid(try json(#"{"id":5,"etag":"e"}"#)))

        let task = try JSONSchema(schema("Task"))
        #expect(task.isValid(try json(#"{"id":"a","user":"ann","revision":"12","labels":{"k":"v"},"teams_by_id":{"-3":{}}}"#)))
        #expect(task.isValid(try json(#"{"id":"a","team":{"name":"ops","parents":[{"name":"all"}]}}"#)))
        #expect(!task.isValid(try json(#"{"id":"a","user":"ann","team":{}}"#)))
        #expect(!task.isValid(try json(#"{"id":"a","teams_by_id":{"x":{}}}"#)))
        #expect(!task.isValid(try json(#"{"id":"a","priority":"PRIORITY_MEDIUM"}"#)))
        #expect(!task.isValid(try json(#"{"id":"a","due":"not a date","revision":12}"#)))
        // Every schema of the fixture compiles.
        for file in set.files {
            for message in file.messages {
                _ = try JSONSchema(MCPToolSchema.inputSchema(for: message, in: set))
            }
        }
    }

    // The example services compile and describe their requests.
    @Test func describesTheExamplePackages() throws {
        let calculator = try Protoc.exampleSet("calculator-js", "calculator.proto")
        let add = try #require(calculator.method(path: "calculator.v1.CalculatorService/Add"))
        let request = try #require(calculator.message(fullName: add.inputType))
        let schema = MCPToolSchema.inputSchema(for: request, in: calculator)
        #expect(schema.at("properties", "left", "type") == "number")
        #expect(schema.at("properties", "right", "type") == "number")
        #expect(schema["required"] == [])
        let streaming = try Protoc.exampleSet("streaming-js", "streaming.proto")
        let echo = try #require(streaming.message(fullName: "streaming.v1.StreamRequest"))
        #expect(MCPToolSchema.inputSchema(for: echo, in: streaming).at("properties", "count", "type") == "integer")
    }
}
