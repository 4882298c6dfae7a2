import Protocols
import Testing

/// The codec against protoc as the oracle: protoc's encodings decode to the expected
/// ProtoJSON, and our encodings decode (in protoc) to the expected text.
@Suite struct ProtobufCodecProtocTests {
    // Every field kind at once: protoc's binary → our JSON is the golden file, and our
    // encoding of the golden JSON is byte-for-byte protoc's.
    @Test func convertsTheGoldenMessageBothWays() throws {
        let bytes = try Protoc.encode("codec.test.AllTypes", CodecHarness.fixtureText("all_types.txtpb"))
        let golden = try JSONParser.parse(CodecHarness.fixtureText("all_types.json"))
        let message = CodecHarness.message("codec.test.AllTypes")
        let json = try ProtobufCodec.decodeToJSON(bytes, message: message, in: CodecHarness.set)
        #expect(json == golden)
        #expect(try ProtobufCodec.encodeFromJSON(golden, message: message, in: CodecHarness.set) == bytes)
        try ProtobufCodec.validate(bytes, message: message, in: CodecHarness.set)
    }

    // protoc text → protoc binary → our ProtoJSON.
    @Test(arguments: [
        ("codec.test.Scalars", "", "{}"),
        ("codec.test.Scalars", #"f_int32: 0 f_string: "" f_bool: false f_double: 0"#, "{}"),
        ("codec.test.Scalars", "f_double: -0", #"{"fDouble":-0}"#),
        ("codec.test.Scalars", "f_double: 1e21 f_float: 3.4028235e38", #"{"fDouble":1e+21,"fFloat":3.4028235e+38}"#),
        ("codec.test.Scalars", "f_double: 1e20 f_float: 1e-45", #"{"fDouble":100000000000000000000,"fFloat":1e-45}"#),
        ("codec.test.Scalars", "f_double: 0.000001", #"{"fDouble":0.000001}"#),
        ("codec.test.Scalars", "f_double: 1e-7", #"{"fDouble":1e-7}"#),
        ("codec.test.Scalars", "f_double: 123456789.125 f_float: -2.5", #"{"fDouble":123456789.125,"fFloat":-2.5}"#),
        ("codec.test.Scalars", "f_double: 5e-324", #"{"fDouble":5e-324}"#),
        ("codec.test.Scalars", "f_double: 1.7976931348623157e308", #"{"fDouble":1.7976931348623157e+308}"#),
        (
            "codec.test.Scalars", "f_int64: 9223372036854775807 f_uint32: 1",
            #"{"fInt64":"9223372036854775807","fUint32":1}"#
        ),
        (
            "codec.test.Scalars", #"f_string: "\360\237\230\200" f_bytes: "\373\377""#,
            #"{"fString":"😀","fBytes":"+/8="}"#
        ),
        (
            "codec.test.AllTypes", "opt_int32: 0 opt_bytes: \"\" opt_double: 0",
            #"{"optInt32":0,"optBytes":"","optDouble":0}"#
        ),
        ("codec.test.AllTypes", "color: 99", #"{"color":99}"#),
        ("codec.test.AllTypes", "color: -5 kind: KIND_LEAF", #"{"color":-5,"kind":"KIND_LEAF"}"#),
        ("codec.test.AllTypes", "null_value: NULL_VALUE", "{}"),
        ("codec.test.AllTypes", "choice_value { null_value: NULL_VALUE }", #"{"choiceValue":null}"#),
        ("codec.test.AllTypes", "choice_string: \"\"", #"{"choiceString":""}"#),
        ("codec.test.AllTypes", "choice_color: COLOR_UNSPECIFIED", #"{"choiceColor":"COLOR_UNSPECIFIED"}"#),
        ("codec.test.AllTypes", "choice_wrapped { }", #"{"choiceWrapped":0}"#),
        ("codec.test.AllTypes", "val { struct_value { } } lv { }", #"{"val":{},"lv":[]}"#),
        ("codec.test.AllTypes", "st { }", #"{"st":{}}"#),
        (
            "codec.test.AllTypes", "map_int32_string { value: \"v\" } map_string_nested { key: \"k\" }",
            #"{"mapInt32String":{"0":"v"},"mapStringNested":{"k":{}}}"#
        ),
        (
            "codec.test.AllTypes",
            #"map_string_int32 { key: "a" value: 1 } map_string_int32 { key: "b" value: 2 } map_string_int32 { key: "a" value: 3 }"#,
            #"{"mapStringInt32":{"a":3,"b":2}}"#
        ),
        (
            "codec.test.AllTypes",
            "map_bool_bool { key: false value: true } map_sint64_bytes { key: -9223372036854775808 value: \"\" }",
            #"{"mapBoolBool":{"false":true},"mapSint64Bytes":{"-9223372036854775808":""}}"#
        ),
        ("codec.test.AllTypes", "ts { } dur { }", #"{"ts":"1970-01-01T00:00:00Z","dur":"0s"}"#),
        (
            "codec.test.AllTypes", "ts { seconds: 951782400 nanos: 1000 } dur { nanos: -500000000 }",
            #"{"ts":"2000-02-29T00:00:00.000001Z","dur":"-0.500s"}"#
        ),
        (
            "codec.test.AllTypes", "ts { seconds: -1 nanos: 1 } dur { seconds: 315576000000 nanos: 999999999 }",
            #"{"ts":"1969-12-31T23:59:59.000000001Z","dur":"315576000000.999999999s"}"#
        ),
        ("codec.test.AllTypes", "fm { } w_string { value: \"\" }", #"{"fm":"","wString":""}"#),
        (
            "codec.test.AllTypes",
            #"any { type_url: "type.googleapis.com/google.protobuf.Timestamp" value: "\010\001" }"#,
            #"{"any":{"@type":"type.googleapis.com/google.protobuf.Timestamp","value":"1970-01-01T00:00:01Z"}}"#
        ),
        (
            "codec.test.AllTypes",
            #"any { type_url: "example.com/x/codec.test.AllTypes" value: "\212\002\004\010\001\020\001" }"#,
            #"{"any":{"@type":"example.com/x/codec.test.AllTypes","mapBoolBool":{"true":true}}}"#
        ),
        (
            "codec.test.AllTypes", #"any { type_url: "type.googleapis.com/google.protobuf.Struct" }"#,
            #"{"any":{"@type":"type.googleapis.com/google.protobuf.Struct","value":{}}}"#
        ),
        ("codec.test.AllTypes", "any { }", #"{"any":{}}"#),
        // Empty has no JSON form of its own: no "value" (json_format and Go agree).
        (
            "codec.test.AllTypes", #"any { type_url: "type.googleapis.com/google.protobuf.Empty" }"#,
            #"{"any":{"@type":"type.googleapis.com/google.protobuf.Empty"}}"#
        ),
        ("codec.test.AllTypes", "rep_value { list_value { values { list_value { } } } }", #"{"repValue":[[[]]]}"#),
        ("codec.test.AllTypes", "packed_int32: [] rep_string: []", "{}"),
        ("codec.test2.Proto2Message", "req_int32: 0", #"{"reqInt32":0}"#),
        (
            "codec.test2.Proto2Message", #"req_int32: 1 opt_string: "hello" level: MID zero: 0"#,
            #"{"reqInt32":1,"optString":"hello","level":"MID","zero":0}"#
        ),
        (
            "codec.test2.Proto2Message", "req_int32: 1 Item { a: 2 } Entry { x: 3 } Entry { }",
            #"{"reqInt32":1,"item":{"a":2},"entry":[{"x":3},{}]}"#
        ),
        (
            "codec.test2.Proto2Message", "req_int32: 1 unpacked: [1, 2] packed: [3] levels: [HIGH, LOW]",
            #"{"reqInt32":1,"unpacked":[1,2],"packed":[3],"levels":["HIGH","LOW"]}"#
        ),
        (
            "codec.test2.Proto2Message", "req_int32: 1 child { req_int32: 2 } [codec.test2.ext_int32]: 5",
            #"{"reqInt32":1,"child":{"reqInt32":2}}"#
        ),
    ])
    func decodesProtocEncodings(type: String, text: String, expected: String) throws {
        #expect(try CodecHarness.decode(type, text: text) == expected)
    }

    // Binary that text format cannot express: repeated occurrences merge as protobuf says.
    @Test(
        arguments: [
            // A later oneof member replaces an earlier one; the same member message merges.
            ([#"choice_string: "a""#, "choice_int64: 5"], #"{"choiceInt64":"5"}"#),
            (["choice_nested { a: 1 }", "choice_nested { b: \"x\" }"], #"{"choiceNested":{"a":1,"b":"x"}}"#),
            (
                ["choice_nested { a: 1 }", "choice_color: COLOR_RED", "choice_nested { b: \"x\" }"],
                #"{"choiceNested":{"b":"x"}}"#
            ),
            // Singular messages merge (recursively); scalars: last wins; lists append.
            (
                [
                    "nested { a: 1 inner { note: \"n\" } }", "nested { b: \"x\" inner { } children { } }",
                    "color: COLOR_RED", "color: COLOR_BLUE",
                ],
                #"{"nested":{"a":1,"b":"x","children":[{}],"inner":{"note":"n"}},"color":"COLOR_BLUE"}"#
            ),
            (
                ["packed_int32: [1, 2]", "packed_int32: [3]", "rep_string: \"a\"", "rep_string: \"b\""],
                #"{"packedInt32":[1,2,3],"repString":["a","b"]}"#
            ),
            (["ts { seconds: 1 }", "ts { nanos: 5000000 }"], #"{"ts":"1970-01-01T00:00:01.005Z"}"#),
            (
                ["map_int64_nested { key: 1 value { a: 1 } }", "map_int64_nested { key: 1 value { b: \"y\" } }"],
                #"{"mapInt64Nested":{"1":{"b":"y"}}}"#
            ),
        ] as [([String], String)])
    func mergesRepeatedOccurrences(parts: [String], expected: String) throws {
        var bytes: [UInt8] = []
        for part in parts { bytes += try Protoc.encode("codec.test.AllTypes", part) }
        #expect(try CodecHarness.decode("codec.test.AllTypes", bytes: bytes) == expected)
    }

    // Packed and unpacked encodings are both accepted, whatever the field declares.
    @Test func acceptsPackedAndUnpackedEncodings() throws {
        var writer = ProtobufWireWriter()
        writer.writeTag(10, .varint)  // packed_int32, unpacked
        writer.writeInt32(7)
        writer.writeTag(16, .lengthDelimited)  // unpacked_int32, packed
        writer.writeLengthDelimited([1, 2])
        writer.writeTag(15, .lengthDelimited)  // packed_color
        writer.writeLengthDelimited([])
        #expect(
            try CodecHarness.decode("codec.test.AllTypes", bytes: writer.bytes)
                == #"{"packedInt32":[7],"unpackedInt32":[1,2]}"#)
    }

    // Closed (proto2) enums drop values they do not list: the field stays as it was.
    @Test func dropsUnlistedClosedEnumValues() throws {
        var writer = ProtobufWireWriter()
        writer.writeTag(1, .varint)
        writer.writeVarint(1)
        writer.writeTag(3, .varint)  // level: 10 (HIGH), then 7 (not listed)
        writer.writeVarint(10)
        writer.writeTag(3, .varint)
        writer.writeVarint(7)
        writer.writeTag(6, .lengthDelimited)  // levels: [1, 2, 5] packed
        writer.writeLengthDelimited([1, 2, 5])
        #expect(
            try CodecHarness.decode("codec.test2.Proto2Message", bytes: writer.bytes)
                == #"{"reqInt32":1,"level":"HIGH","levels":["LOW","MID"]}"#)
    }

    // Our JSON → our binary → protoc's text equals protoc's own round trip of the expected text.
    @Test(arguments: [
        (
            "codec.test.Scalars",
            #"{"fInt32":1,"f_int64":"-2","fUint64":18446744073709551615,"fSint32":"3","fFixed64":"1e3"}"#,
            "f_int32: 1 f_int64: -2 f_uint64: 18446744073709551615 f_sint32: 3 f_fixed64: 1000"
        ),
        (
            "codec.test.Scalars",
            #"{"fInt32":1e2,"fUint32":"4294967295","fSfixed32":-2147483648,"fSint64":-9223372036854775808}"#,
            "f_int32: 100 f_uint32: 4294967295 f_sfixed32: -2147483648 f_sint64: -9223372036854775808"
        ),
        (
            "codec.test.Scalars", #"{"fInt64":"9007199254740993","fSfixed64":9007199254740993,"fInt32":5.0}"#,
            "f_int64: 9007199254740993 f_sfixed64: 9007199254740993 f_int32: 5"
        ),
        ("codec.test.Scalars", #"{"fDouble":"NaN","fFloat":"-Infinity"}"#, "f_double: nan f_float: -inf"),
        ("codec.test.Scalars", #"{"fDouble":"1.5","fFloat":3.4028235e38}"#, "f_double: 1.5 f_float: 3.4028235e38"),
        ("codec.test.Scalars", #"{"fDouble":-0,"fFloat":0}"#, "f_double: -0"),
        ("codec.test.Scalars", #"{"fBytes":"-_8"}"#, #"f_bytes: "\373\377""#),
        ("codec.test.Scalars", #"{"fBytes":"+/8="}"#, #"f_bytes: "\373\377""#),
        ("codec.test.Scalars", #"{"fBool":false,"fString":"","fInt32":0,"fBytes":""}"#, ""),
        ("codec.test.Scalars", #"{"fBool":null,"fString":null,"f_int32":null}"#, ""),
        (
            "codec.test.AllTypes", #"{"color":"COLOR_RED","kind":1,"optColor":0,"packedColor":["COLOR_BLUE",2,99]}"#,
            "color: COLOR_RED kind: KIND_LEAF opt_color: COLOR_UNSPECIFIED packed_color: [COLOR_BLUE, COLOR_GREEN, 99]"
        ),
        (
            "codec.test.AllTypes", #"{"optInt32":0,"optString":"","opt_int64":"0"}"#,
            #"opt_int32: 0 opt_string: "" opt_int64: 0"#
        ),
        ("codec.test.AllTypes", #"{"optInt32":null,"nested":null,"repString":null,"mapStringInt32":null}"#, ""),
        ("codec.test.AllTypes", #"{"choiceString":null,"choiceInt64":"5"}"#, "choice_int64: 5"),
        ("codec.test.AllTypes", #"{"choiceValue":null}"#, "choice_value { null_value: NULL_VALUE }"),
        (
            "codec.test.AllTypes", #"{"val":null,"repValue":[null,1],"mapValue":{"k":null}}"#,
            #"val { null_value: NULL_VALUE } rep_value { null_value: NULL_VALUE } rep_value { number_value: 1 } map_value { key: "k" value { null_value: NULL_VALUE } }"#
        ),
        ("codec.test.AllTypes", #"{"nullValue":null}"#, ""),
        (
            "codec.test.AllTypes",
            #"{"mapInt32String":{"-1":"a","007":"b"},"mapBoolBool":{"true":false},"map_uint32_color":{"1":"COLOR_RED"}}"#,
            #"map_int32_string { key: -1 value: "a" } map_int32_string { key: 7 value: "b" } map_bool_bool { key: true value: false } map_uint32_color { key: 1 value: COLOR_RED }"#
        ),
        (
            "codec.test.AllTypes", #"{"mapStringNested":{"x":{}},"mapStringInt32":{"z":0}}"#,
            #"map_string_int32 { key: "z" value: 0 } map_string_nested { key: "x" value { } }"#
        ),
        (
            "codec.test.AllTypes",
            #"{"ts":"2024-01-01T08:00:00.5+08:00","dur":"-1.000000001s","fm":"customField,createdAt.seconds,a"}"#,
            #"ts { seconds: 1704067200 nanos: 500000000 } dur { seconds: -1 nanos: -1 } fm { paths: "custom_field" paths: "created_at.seconds" paths: "a" }"#
        ),
        (
            "codec.test.AllTypes",
            #"{"ts":"0001-01-01t00:00:00z","repTs":["9999-12-31T23:59:59.999999999Z","1969-12-31T19:00:00-05:00"]}"#,
            "ts { seconds: -62135596800 } rep_ts { seconds: 253402300799 nanos: 999999999 } rep_ts { }"
        ),
        (
            "codec.test.AllTypes", #"{"st":{"a":[1,"x",true,null,{"b":{}}]},"lv":[[]],"val":1.5}"#,
            #"st { fields { key: "a" value { list_value { values { number_value: 1 } values { string_value: "x" } values { bool_value: true } values { null_value: NULL_VALUE } values { struct_value { fields { key: "b" value { struct_value { } } } } } } } } } val { number_value: 1.5 } lv { values { list_value { } } }"#
        ),
        (
            "codec.test.AllTypes",
            #"{"wDouble":0,"wInt64":"5","wUint32":null,"wBool":false,"wBytes":"AQ==","repWrapped":[1,0]}"#,
            #"w_double { } w_int64 { value: 5 } w_bool { } w_bytes { value: "\001" } rep_wrapped { value: 1 } rep_wrapped { }"#
        ),
        (
            "codec.test.AllTypes",
            #"{"any":{"@type":"type.googleapis.com/codec.test.Nested","a":5,"kind":"KIND_LEAF"}}"#,
            #"any { type_url: "type.googleapis.com/codec.test.Nested" value: "\010\005 \001" }"#
        ),
        (
            "codec.test.AllTypes", #"{"any":{"value":"1s","@type":"type.googleapis.com/google.protobuf.Duration"}}"#,
            #"any { type_url: "type.googleapis.com/google.protobuf.Duration" value: "\010\001" }"#
        ),
        (
            "codec.test.AllTypes", #"{"repAny":[{"@type":"type.googleapis.com/google.protobuf.Empty"},{}]}"#,
            #"rep_any { type_url: "type.googleapis.com/google.protobuf.Empty" } rep_any { }"#
        ),
        (
            "codec.test.AllTypes", #"{"empty":{},"customAlias":"c","fieldWith1Digit":2,"maxNumberField":3}"#,
            #"empty { } custom_field: "c" field_with_1_digit: 2 max_number_field: 3"#
        ),
        (
            "codec.test.AllTypes", #"{"custom_field":"c","field_with_1_digit":2}"#,
            #"custom_field: "c" field_with_1_digit: 2"#
        ),
        (
            "codec.test2.Proto2Message",
            #"{"reqInt32":0,"zero":0,"level":10,"item":{"a":1},"entry":[{"x":2},{}],"packed":[1,2],"unpacked":[3]}"#,
            "req_int32: 0 zero: 0 level: HIGH Item { a: 1 } Entry { x: 2 } Entry { } packed: [1, 2] unpacked: [3]"
        ),
    ])
    func encodesWhatProtocDecodes(type: String, json: String, text: String) throws {
        let bytes = try CodecHarness.encode(type, json: json)
        #expect(try Protoc.decode(type, bytes) == CodecHarness.canonicalText(type, text))
    }

    // Our encoding is protoc's byte for byte (field order, packing, map entries, groups).
    @Test(arguments: [
        (
            "codec.test2.Proto2Message",
            #"{"reqInt32":1,"item":{"a":1},"entry":[{"x":2}],"packed":[1,2],"unpacked":[3,4],"levels":["LOW"],"counts":{"a":0}}"#,
            #"req_int32: 1 unpacked: [3, 4] packed: [1, 2] levels: [LOW] Item { a: 1 } Entry { x: 2 } counts { key: "a" value: 0 }"#
        ),
        (
            "codec.test.AllTypes",
            #"{"packedDouble":[1,2],"unpackedFloat":[1,2],"mapFixed64Double":{"1":0},"repBytes":["",""]}"#,
            #"packed_double: [1, 2] unpacked_float: [1, 2] rep_bytes: ["", ""] map_fixed64_double { key: 1 value: 0 }"#
        ),
    ])
    func encodesLikeProtoc(type: String, json: String, text: String) throws {
        #expect(try CodecHarness.encode(type, json: json) == Protoc.encode(type, text))
    }

    @Test func emitsDefaultsWhenAsked() throws {
        let options = ProtoJSONOptions(emitDefaults: true)
        #expect(
            try CodecHarness.decode("codec.test.Scalars", text: "f_int32: 5", options: options)
                == #"{"fDouble":0,"fFloat":0,"fInt32":5,"fInt64":"0","fUint32":0,"fUint64":"0","fSint32":0,"fSint64":"0","fFixed32":0,"fFixed64":"0","fSfixed32":0,"fSfixed64":"0","fBool":false,"fString":"","fBytes":""}"#
        )
        let all = try JSONParser.parse(CodecHarness.decode("codec.test.AllTypes", text: "", options: options))
        let keys = try #require(all.objectValue?.keys)
        #expect(keys.contains("packedInt32") && keys.contains("mapStringInt32") && keys.contains("customAlias"))
        #expect(all["color"] == .string("COLOR_UNSPECIFIED"))
        #expect(all["nullValue"] == .null)
        #expect(all["repNested"] == .array([]))
        #expect(all["mapInt64Nested"] == .object([:]))
        // Fields with presence stay absent: messages, proto3 optional, oneof members.
        #expect(
            !keys.contains("scalars") && !keys.contains("optInt32") && !keys.contains("choiceString")
                && !keys.contains("ts"))
        // proto2 fields all have presence.
        #expect(
            try CodecHarness.decode("codec.test2.Proto2Message", text: "req_int32: 1", options: options)
                == #"{"reqInt32":1,"unpacked":[],"packed":[],"levels":[],"entry":[],"counts":{}}"#)
    }

    @Test func usesProtoNamesWhenAsked() throws {
        let options = ProtoJSONOptions(useProtoNames: true)
        #expect(
            try CodecHarness.decode(
                "codec.test.AllTypes", text: #"custom_field: "c" nested { a: 1 } scalars { f_int32: 2 }"#,
                options: options)
                == #"{"scalars":{"f_int32":2},"nested":{"a":1},"custom_field":"c"}"#)
    }

    @Test func ignoresUnknownFieldsWhenAsked() throws {
        let options = ProtoJSONOptions(ignoreUnknownFields: true)
        let json =
            #"{"nope":1,"color":"COLOR_PURPLE","packedColor":["COLOR_RED","COLOR_PURPLE"],"mapUint32Color":{"1":"X","2":"COLOR_BLUE"},"nested":{"zz":[1],"a":4}}"#
        let bytes = try CodecHarness.encode("codec.test.AllTypes", json: json, options: options)
        #expect(
            try Protoc.decode("codec.test.AllTypes", bytes)
                == CodecHarness.canonicalText(
                    "codec.test.AllTypes",
                    "packed_color: [COLOR_RED] map_uint32_color { key: 2 value: COLOR_BLUE } nested { a: 4 }"))
        #expect(
            try CodecHarness.encode("codec.test2.Proto2Message", json: #"{"reqInt32":1,"level":7}"#, options: options)
                == [0x08, 0x01])
    }

    // The examples' messages (SPEC §8.4: jsonName out, both names in).
    @Test func convertsTheCalculatorMessages() throws {
        let set = try Protoc.exampleSet("calculator-js", "calculator.proto")
        let request = try #require(set.message(fullName: "calculator.v1.BinaryOperationRequest"))
        let response = try #require(set.message(fullName: "calculator.v1.CalculatorResponse"))
        let bytes = try ProtobufCodec.encodeFromJSON(
            JSONParser.parse(#"{"left":1.5,"right":"2"}"#), message: request, in: set)
        #expect(
            JSONWriter().string(try ProtobufCodec.decodeToJSON(bytes, message: request, in: set))
                == #"{"left":1.5,"right":2}"#)
        let out = try ProtobufCodec.encodeFromJSON(
            JSONParser.parse(#"{"result":3.5,"service_id":"calc","instanceId":"i1"}"#), message: response, in: set)
        #expect(
            JSONWriter().string(try ProtobufCodec.decodeToJSON(out, message: response, in: set))
                == #"{"result":3.5,"serviceId":"calc","instanceId":"i1"}"#)
        #expect(JSONWriter().string(try ProtobufCodec.decodeToJSON([], message: response, in: set)) == "{}")
    }

    // JSON → binary → JSON is the identity on canonical ProtoJSON.
    @Test(arguments: [
        #"{"scalars":{"fDouble":0.1,"fFloat":1e-10,"fInt64":"-1","fUint64":"1","fBytes":"AA=="}}"#,
        #"{"optColor":"COLOR_BLUE","packedColor":[5],"mapUint32Color":{"4294967295":"COLOR_RED"},"choiceWrapped":-1}"#,
        #"{"recursive":{"child":{"child":{"child":{"depth":4}}}},"ts":"2262-04-11T23:47:16.854775807Z","dur":"-0.000000001s"}"#,
        #"{"st":{"":{"x":[{},[],"",0,false,null]}},"val":[],"lv":[{"a":"b"}],"fm":"a.bC.dE"}"#,
        #"{"any":{"@type":"type.googleapis.com/google.protobuf.Value","value":{"k":[1]}},"repAny":[{"@type":"t/codec.test.Recursive","depth":1}]}"#,
    ])
    func roundTripsCanonicalJSON(json: String) throws {
        let bytes = try CodecHarness.encode("codec.test.AllTypes", json: json)
        #expect(try CodecHarness.decode("codec.test.AllTypes", bytes: bytes) == json)
        try ProtobufCodec.validate(bytes, message: CodecHarness.message("codec.test.AllTypes"), in: CodecHarness.set)
    }
}
