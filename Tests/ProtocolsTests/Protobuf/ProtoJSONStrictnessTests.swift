import Protocols
import Testing

/// JSON that does not fit the message fails with a code and a `<path>: <problem>` message
/// that Connect and MCP pass on as `invalid_argument`.
@Suite struct ProtoJSONStrictnessTests {
    @Test func reportsTheFieldPathLikeTheCalculatorExample() throws {
        let set = try Protoc.exampleSet("calculator-js", "calculator.proto")
        let request = try #require(set.message(fullName: "calculator.v1.BinaryOperationRequest"))
        let json = try JSONParser.parse(#"{"left":"abc","right":2}"#)
        do {
            _ = try ProtobufCodec.encodeFromJSON(json, message: request, in: set)
            Issue.record("accepted a string for a double")
        } catch {
            #expect(error.code == .invalidJSON)
            #expect(error.path == "left")
            #expect(error.description == "left: expected number, got string")
        }
    }

    @Test(
        arguments: [
            // Names and structure.
            ("codec.test.Scalars", "[]", ProtobufCodecError.Code.invalidJSON, "expected object, got array"),
            ("codec.test.Scalars", #"{"x":1}"#, .unknownField, #"unknown field "x" in codec.test.Scalars"#),
            ("codec.test.Scalars", #"{"FInt32":1}"#, .unknownField, #"unknown field "FInt32" in codec.test.Scalars"#),
            (
                "codec.test.AllTypes", #"{"nested":{"children":[{"zz":1}]}}"#, .unknownField,
                #"nested.children[0]: unknown field "zz" in codec.test.Nested"#
            ),
            (
                "codec.test.AllTypes", #"{"customField":"x"}"#, .unknownField,
                #"unknown field "customField" in codec.test.AllTypes"#
            ),
            (
                "codec.test.Scalars", #"{"fInt32":1,"f_int32":2}"#, .invalidJSON,
                #"field f_int32 is given twice, as "fInt32" and "f_int32""#
            ),
            (
                "codec.test.AllTypes", #"{"choiceString":"a","choiceInt64":"1"}"#, .invalidJSON,
                #"oneof choice has more than one member set: "choiceString" and "choiceInt64""#
            ),
            (
                "codec.test.AllTypes", #"{"choiceValue":null,"choice_string":"a"}"#, .invalidJSON,
                #"oneof choice has more than one member set: "choiceValue" and "choice_string""#
            ),
            ("codec.test.AllTypes", #"{"nested":[]}"#, .invalidJSON, "nested: expected object, got array"),
            ("codec.test.AllTypes", #"{"repString":"a"}"#, .invalidJSON, "repString: expected array, got string"),
            (
                "codec.test.AllTypes", #"{"repString":["a",null]}"#, .invalidJSON,
                "repString[1]: list item must not be null"
            ),
            ("codec.test.AllTypes", #"{"repNested":[null]}"#, .invalidJSON, "repNested[0]: list item must not be null"),
            (
                "codec.test.AllTypes", #"{"mapStringInt32":[]}"#, .invalidJSON,
                "mapStringInt32: expected object, got array"
            ),
            (
                "codec.test.AllTypes", #"{"mapStringInt32":{"a":null}}"#, .invalidJSON,
                #"mapStringInt32["a"]: map value must not be null"#
            ),
            (
                "codec.test.AllTypes", #"{"mapStringNested":{"a":null}}"#, .invalidJSON,
                #"mapStringNested["a"]: map value must not be null"#
            ),
            (
                "codec.test.AllTypes", #"{"mapInt32String":{"x":"a"}}"#, .invalidJSON,
                #"mapInt32String["x"]: invalid int32 map key "x""#
            ),
            (
                "codec.test.AllTypes", #"{"mapInt32String":{"2147483648":"a"}}"#, .invalidJSON,
                #"mapInt32String["2147483648"]: invalid int32 map key "2147483648""#
            ),
            (
                "codec.test.AllTypes", #"{"mapBoolBool":{"True":true}}"#, .invalidJSON,
                #"mapBoolBool["True"]: invalid bool map key "True""#
            ),
            (
                "codec.test.AllTypes", #"{"mapInt64Nested":{"1":{"a":"x"}}}"#, .invalidJSON,
                #"mapInt64Nested["1"].a: expected integer, got string"#
            ),
            // Scalars.
            (
                "codec.test.Scalars", #"{"fInt32":2147483648}"#, .invalidJSON,
                "fInt32: value 2147483648 out of range for int32"
            ),
            (
                "codec.test.Scalars", #"{"fInt32":-2147483649}"#, .invalidJSON,
                "fInt32: value -2147483649 out of range for int32"
            ),
            ("codec.test.Scalars", #"{"fInt32":1.5}"#, .invalidJSON, "fInt32: expected integer, got 1.5"),
            ("codec.test.Scalars", #"{"fInt32":"1 "}"#, .invalidJSON, "fInt32: expected integer, got string"),
            ("codec.test.Scalars", #"{"fInt32":true}"#, .invalidJSON, "fInt32: expected integer, got boolean"),
            ("codec.test.Scalars", #"{"fUint32":-1}"#, .invalidJSON, "fUint32: value -1 out of range for uint32"),
            (
                "codec.test.Scalars", #"{"fInt64":"9223372036854775808"}"#, .invalidJSON,
                "fInt64: value 9223372036854775808 out of range for int64"
            ),
            (
                "codec.test.Scalars", #"{"fUint64":"18446744073709551616"}"#, .invalidJSON,
                "fUint64: value 18446744073709551616 out of range for uint64"
            ),
            ("codec.test.Scalars", #"{"fFixed64":"-1"}"#, .invalidJSON, "fFixed64: value -1 out of range for fixed64"),
            ("codec.test.Scalars", #"{"fSint64":1e30}"#, .invalidJSON, "fSint64: value 1e30 out of range for sint64"),
            ("codec.test.Scalars", #"{"fDouble":"abc"}"#, .invalidJSON, "fDouble: expected number, got string"),
            ("codec.test.Scalars", #"{"fDouble":"nan"}"#, .invalidJSON, "fDouble: expected number, got string"),
            ("codec.test.Scalars", #"{"fDouble":[]}"#, .invalidJSON, "fDouble: expected number, got array"),
            ("codec.test.Scalars", #"{"fDouble":1e400}"#, .invalidJSON, "fDouble: value 1e400 out of range for double"),
            ("codec.test.Scalars", #"{"fFloat":3.5e38}"#, .invalidJSON, "fFloat: value 3.5e38 out of range for float"),
            ("codec.test.Scalars", #"{"fBool":"true"}"#, .invalidJSON, "fBool: expected boolean, got string"),
            ("codec.test.Scalars", #"{"fBool":1}"#, .invalidJSON, "fBool: expected boolean, got number"),
            ("codec.test.Scalars", #"{"fString":1}"#, .invalidJSON, "fString: expected string, got number"),
            ("codec.test.Scalars", #"{"fBytes":"a!=="}"#, .invalidJSON, "fBytes: invalid base64 string"),
            ("codec.test.Scalars", #"{"fBytes":"abcde"}"#, .invalidJSON, "fBytes: invalid base64 string"),
            ("codec.test.Scalars", #"{"fBytes":"ab="}"#, .invalidJSON, "fBytes: invalid base64 string"),
            ("codec.test.Scalars", #"{"fBytes":1}"#, .invalidJSON, "fBytes: expected base64 string, got number"),
            (
                "codec.test.AllTypes", #"{"scalars":{"fInt32":"x"}}"#, .invalidJSON,
                "scalars.fInt32: expected integer, got string"
            ),
            // Enums.
            (
                "codec.test.AllTypes", #"{"color":"PURPLE"}"#, .invalidJSON,
                #"color: unknown value "PURPLE" for enum codec.test.Color"#
            ),
            (
                "codec.test.AllTypes", #"{"color":"color_red"}"#, .invalidJSON,
                #"color: unknown value "color_red" for enum codec.test.Color"#
            ),
            (
                "codec.test.AllTypes", #"{"color":true}"#, .invalidJSON,
                "color: expected enum name or number, got boolean"
            ),
            (
                "codec.test.AllTypes", #"{"color":1.5}"#, .invalidJSON,
                "color: invalid value 1.5 for enum codec.test.Color"
            ),
            (
                "codec.test.AllTypes", #"{"packedColor":[1,"X"]}"#, .invalidJSON,
                #"packedColor[1]: unknown value "X" for enum codec.test.Color"#
            ),
            (
                "codec.test2.Proto2Message", #"{"reqInt32":1,"level":7}"#, .invalidJSON,
                "level: 7 is not a value of closed enum codec.test2.Level"
            ),
            (
                "codec.test2.Proto2Message", #"{"reqInt32":1,"levels":[null]}"#, .invalidJSON,
                "levels[0]: list item must not be null"
            ),
            // proto2 required fields.
            (
                "codec.test2.Proto2Message", "{}", .missingRequiredField,
                "required field codec.test2.Proto2Message.req_int32 is missing"
            ),
            (
                "codec.test2.Proto2Message", #"{"reqInt32":null}"#, .missingRequiredField,
                "required field codec.test2.Proto2Message.req_int32 is missing"
            ),
            (
                "codec.test2.Proto2Message", #"{"reqInt32":1,"child":{}}"#, .missingRequiredField,
                "child: required field codec.test2.Proto2Message.req_int32 is missing"
            ),
            // Well-known types.
            (
                "codec.test.AllTypes", #"{"ts":123}"#, .invalidJSON,
                "ts: expected an RFC 3339 timestamp string, got number"
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2024-13-01T00:00:00Z"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 timestamp "2024-13-01T00:00:00Z""#
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2023-02-29T00:00:00Z"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 timestamp "2023-02-29T00:00:00Z""#
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2024-01-01T00:00:00"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 timestamp "2024-01-01T00:00:00""#
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2024-01-01T00:00:60Z"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 timestamp "2024-01-01T00:00:60Z""#
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2024-01-01T00:00:00.1234567891Z"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 timestamp "2024-01-01T00:00:00.1234567891Z""#
            ),
            (
                "codec.test.AllTypes", #"{"ts":"2024-01-01T00:00:00+24:00"}"#, .invalidJSON,
                #"ts: invalid RFC 3339 offset in "2024-01-01T00:00:00+24:00""#
            ),
            (
                "codec.test.AllTypes", #"{"repTs":["0000-12-31T23:59:59Z"]}"#, .invalidJSON,
                "repTs[0]: timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive"
            ),
            ("codec.test.AllTypes", #"{"dur":"1.5"}"#, .invalidJSON, #"dur: invalid duration "1.5""#),
            ("codec.test.AllTypes", #"{"dur":"1.s"}"#, .invalidJSON, #"dur: invalid duration "1.s""#),
            (
                "codec.test.AllTypes", #"{"dur":"315576000001s"}"#, .invalidJSON,
                #"dur: duration "315576000001s" out of range"#
            ),
            (
                "codec.test.AllTypes", #"{"dur":1}"#, .invalidJSON,
                #"dur: expected a duration string like "1.5s", got number"#
            ),
            (
                "codec.test.AllTypes", #"{"fm":"a_b"}"#, .invalidJSON,
                #"fm: field mask path "a_b" must be lowerCamelCase"#
            ),
            (
                "codec.test.AllTypes", #"{"fm":["a"]}"#, .invalidJSON,
                "fm: expected a comma-separated field mask string, got array"
            ),
            ("codec.test.AllTypes", #"{"st":[]}"#, .invalidJSON, "st: expected object, got array"),
            (
                "codec.test.AllTypes", #"{"st":{"a":{"b":1e999}}}"#, .invalidJSON,
                #"st["a"]["b"]: value 1e999 out of range for double"#
            ),
            ("codec.test.AllTypes", #"{"lv":{}}"#, .invalidJSON, "lv: expected array, got object"),
            ("codec.test.AllTypes", #"{"wInt32":"x"}"#, .invalidJSON, "wInt32: expected integer, got string"),
            ("codec.test.AllTypes", #"{"wBool":{"value":true}}"#, .invalidJSON, "wBool: expected boolean, got object"),
            ("codec.test.AllTypes", #"{"any":[]}"#, .invalidJSON, "any: expected object, got array"),
            (
                "codec.test.AllTypes", #"{"any":{"a":1}}"#, .invalidJSON,
                #"any: google.protobuf.Any needs a non-empty "@type""#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/nope.Missing"}}"#, .unknownType,
                #"any: cannot resolve the Any type URL "type.googleapis.com/nope.Missing": not in the descriptor set"#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/"}}"#, .unknownType,
                #"any: cannot resolve the Any type URL "type.googleapis.com/": not in the descriptor set"#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/codec.test.Nested","zz":1}}"#,
                .unknownField,
                #"any: unknown field "zz" in codec.test.Nested"#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"x"}}"#,
                .invalidJSON,
                #"any.value: invalid duration "x""#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/google.protobuf.Duration"}}"#,
                .invalidJSON,
                #"any: google.protobuf.Any of type google.protobuf.Duration needs a "value""#
            ),
            // A type with its own JSON form has nothing but "@type" and "value" (json_format,
            // Go protojson); every other message, Empty included, has its fields beside "@type".
            (
                "codec.test.AllTypes",
                #"{"any":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s","seconds":1}}"#,
                .unknownField,
                #"any: unknown field "seconds" in google.protobuf.Any"#
            ),
            (
                "codec.test.AllTypes", #"{"any":{"@type":"type.googleapis.com/google.protobuf.Empty","value":{}}}"#,
                .unknownField,
                #"any: unknown field "value" in google.protobuf.Empty"#
            ),
        ] as [(String, String, ProtobufCodecError.Code, String)])
    func rejectsJSONThatDoesNotFit(
        type: String, json: String, code: ProtobufCodecError.Code, description: String
    ) throws {
        let error = try #require(try CodecHarness.encodeError(type, json: json))
        #expect(error.code == code)
        #expect(error.description == description)
    }

    // Nesting is bounded on input (messages, Struct/Value/ListValue) and on output.
    @Test func boundsNesting() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: #"{"child":"#, count: depth) + "{}" + String(repeating: "}", count: depth)
        }
        #expect(try CodecHarness.encodeError("codec.test.Recursive", json: nested(100)) == nil)
        let deep = try #require(try CodecHarness.encodeError("codec.test.Recursive", json: nested(101)))
        #expect(deep.code == .nestingTooDeep)
        #expect(deep.message == "messages nested deeper than 100 levels")

        let lists = String(repeating: "[", count: 120) + String(repeating: "]", count: 120)
        #expect(
            try CodecHarness.encodeError("codec.test.AllTypes", json: #"{"lv":"# + lists + "}")?.code == .nestingTooDeep
        )

        // 101 levels of binary nesting (built by hand: the encoder refuses to make them).
        func binary(_ depth: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<depth {
                var writer = ProtobufWireWriter()
                writer.writeTag(1, .lengthDelimited)
                writer.writeLengthDelimited(bytes)
                bytes = writer.bytes
            }
            return bytes
        }
        #expect(CodecHarness.decodeError("codec.test.Recursive", bytes: binary(101))?.code == .nestingTooDeep)
        #expect(throws: ProtobufCodecError.self) {
            try ProtobufCodec.validate(
                binary(101), message: CodecHarness.message("codec.test.Recursive"), in: CodecHarness.set)
        }
        #expect(CodecHarness.decodeError("codec.test.Recursive", bytes: binary(100)) == nil)
    }

    // Valid binary that has no ProtoJSON form.
    @Test(arguments: [
        (
            "ts { seconds: 253402300800 }",
            "ts: timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive"
        ),
        ("ts { nanos: -1 }", "ts: timestamp nanos -1 out of range 0..999999999"),
        ("dur { seconds: 1 nanos: -1 }", "dur: duration seconds and nanos have different signs"),
        ("dur { seconds: 315576000001 }", "dur: duration out of range"),
        ("dur { nanos: 1000000000 }", "dur: duration nanos 1000000000 out of range"),
        (#"fm { paths: "fooBar" }"#, #"fm: field mask path "fooBar" cannot be written in lowerCamelCase"#),
        (#"fm { paths: "foo_1bar" }"#, #"fm: field mask path "foo_1bar" cannot be written in lowerCamelCase"#),
        ("val { }", "val: google.protobuf.Value has no value set"),
        ("val { number_value: nan }", "val: google.protobuf.Value cannot hold nan (JSON has no NaN or Infinity)"),
        (
            #"st { fields { key: "k" value { number_value: inf } } }"#,
            #"st["k"]: google.protobuf.Value cannot hold inf (JSON has no NaN or Infinity)"#
        ),
        ("lv { values { } }", "lv[0]: google.protobuf.Value has no value set"),
    ])
    func rejectsBinaryWithoutAJSONForm(text: String, description: String) throws {
        let bytes = try Protoc.encode("codec.test.AllTypes", text)
        let error = try #require(CodecHarness.decodeError("codec.test.AllTypes", bytes: bytes))
        #expect(error.code == .notRepresentable)
        #expect(error.description == description)
        // It is still a valid message.
        try ProtobufCodec.validate(bytes, message: CodecHarness.message("codec.test.AllTypes"), in: CodecHarness.set)
    }

    @Test func rejectsUnresolvableAnyOnOutput() throws {
        let bytes = try Protoc.encode(
            "codec.test.AllTypes", #"rep_any { } rep_any { type_url: "x/nope.Missing" value: "\001" }"#)
        let error = try #require(CodecHarness.decodeError("codec.test.AllTypes", bytes: bytes))
        #expect(error.code == .unknownType)
        #expect(
            error.description
                == #"repAny[1]: cannot resolve the Any type URL "x/nope.Missing": not in the descriptor set"#)
    }

    @Test func requiresProto2RequiredFieldsOnOutput() throws {
        let bytes = try Protoc.encode("codec.test2.Proto2Message", "req_int32: 1 child { req_int32: 2 }")
        #expect(CodecHarness.decodeError("codec.test2.Proto2Message", bytes: bytes) == nil)
        let missing = Array(bytes.prefix(2))  // without the child... and then with an empty child
        #expect(
            CodecHarness.decodeError("codec.test2.Proto2Message", bytes: [])
                == ProtobufCodecError(
                    .missingRequiredField, "required field codec.test2.Proto2Message.req_int32 is not set",
                    path: "reqInt32"))
        #expect(
            CodecHarness.decodeError("codec.test2.Proto2Message", bytes: missing + [0x62, 0x00])?.path
                == "child.reqInt32")
    }
}
