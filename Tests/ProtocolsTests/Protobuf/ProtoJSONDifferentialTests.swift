import Protocols
import Testing

/// The codec against Python protobuf's json_format, both directions, on random messages of
/// every field kind and every well-known type (Tests/interop/protojson_differential.py).
///
/// Python builds random messages from a descriptor set compiled by protoc; our decoder must
/// write exactly json_format's canonical ProtoJSON for their binary, and our encoder must turn
/// json_format's JSON (printed with random options: proto names, enum numbers, defaults)
/// back into the same message. Any difference fails the test with Python's report.
@Suite struct ProtoJSONDifferentialTests {
    static let seed = 20_261_203
    static let countPerType = 120

    @Test func agreesWithPythonJSONFormat() throws {
        let setBytes = try Protoc.compile(
            ["differential.proto"],
            includes: [GatewayFixtures.fixturesDirectory + "/differential", Protoc.fixturesDirectory, "/usr/include"])
        let set = try DescriptorSet.decode(setBytes)
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        let setPath = directory + "/set.pb"
        let casesPath = directory + "/cases.json"
        let resultsPath = directory + "/results.json"
        try Protoc.writeFile(setPath, setBytes)

        let generated = try PythonInterop.run(
            "protojson_differential.py",
            ["generate", "--descriptor-set", setPath, "--seed", String(Self.seed), "--count", String(Self.countPerType),
             "--out", casesPath])
        try #require(generated.exitedCleanly, "\(generated.output)")

        let cases = try JSONParser.parse(try #require(Protoc.readFile(casesPath)))
        let decodeCases = try #require(cases["decode"]?.arrayValue)
        let encodeCases = try #require(cases["encode"]?.arrayValue)
        #expect(decodeCases.count == 16 * Self.countPerType)

        func field(_ item: JSONValue, _ key: String) throws -> String { try #require(item[key]?.stringValue) }
        func type(_ item: JSONValue) throws -> MessageDescriptor { try #require(set.message(fullName: try field(item, "type"))) }

        var decodeResults: [JSONValue] = []
        for item in decodeCases {
            let message = try type(item)
            let bytes = try #require(TestBase64.decode(try field(item, "binary")))
            do {
                let json = try ProtobufCodec.decodeToJSON(bytes, message: message, in: set)
                decodeResults.append(["json": .string(JSONWriter().string(json))])
            } catch {
                decodeResults.append(["error": .string(error.description)])
            }
        }
        var encodeResults: [JSONValue] = []
        for item in encodeCases {
            let message = try type(item)
            let text = try field(item, "json")
            do {
                let json = try JSONParser.parse(text)
                let bytes = try ProtobufCodec.encodeFromJSON(json, message: message, in: set)
                encodeResults.append(["binary": .string(TestBase64.encode(bytes))])
            } catch {
                encodeResults.append(["error": .string("\(error)")])
            }
        }
        try Protoc.writeFile(
            resultsPath, JSONWriter().bytes(["decode": .array(decodeResults), "encode": .array(encodeResults)]))

        let verified = try PythonInterop.run(
            "protojson_differential.py",
            ["verify", "--descriptor-set", setPath, "--cases", casesPath, "--results", resultsPath])
        #expect(verified.exitedCleanly, "\(verified.output)")
        #expect(verified.output.contains("\(decodeCases.count + encodeCases.count) of"), "\(verified.output)")
    }
}
