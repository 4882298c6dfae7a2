import Protocols
import Testing

/// Generated documents checked by the real `openapi-spec-validator`, and their YAML read back
/// by PyYAML as the same value (Tests/interop/openapi_check.py). A missing validator fails
/// the test; it never skips.
@Suite struct OpenAPIValidationTests {
    static func documents() throws -> [(String, JSONValue)] {
        let calculator = try Protoc.exampleSet("calculator-js", "calculator.proto")
        let onDemand = try Protoc.exampleSet("calculator-on-demand-js", "calculator.proto")
        let streaming = try Protoc.exampleSet("streaming-js", "streaming.proto")
        let every = try GatewayFixtures.compileEverythingService()
        let codec = CodecHarness.set
        return [
            ("empty", try OpenAPIDocument.build(capsetID: "dev", bindings: [])),
            ("tasks", try OpenAPIDocument.build(capsetID: "dev", bindings: [OpenAPIDocumentTests.taskBinding()])),
            (
                "calculators",
                try OpenAPIDocument.build(
                    capsetID: "calc-set",
                    bindings: [
                        OpenAPIBinding(instanceID: "calculator-test", serviceID: "calculator", methods: calculator.methods, descriptorSet: calculator),
                        OpenAPIBinding(instanceID: "on-demand", serviceID: "calculator-od", methods: onDemand.methods, descriptorSet: onDemand),
                        OpenAPIBinding(instanceID: "stream", serviceID: "streaming", methods: streaming.methods, descriptorSet: streaming),
                    ])
            ),
            (
                "everything",
                try OpenAPIDocument.build(
                    capsetID: "e", bindings: [OpenAPIBinding(instanceID: "e1", serviceID: "every", methods: every.methods, descriptorSet: every)])
            ),
            (
                "echo",
                try OpenAPIDocument.build(
                    capsetID: "x", bindings: [OpenAPIBinding(instanceID: "echo", serviceID: "echo", methods: codec.methods, descriptorSet: codec)])
            ),
        ]
    }

    /// Strings YAML 1.1 readers are known to misread, and other awkward values.
    static let trickyValue: JSONValue = [
        "strings": [
            "", "yes", "No", "on", "OFF", "y", "n", "true", "null", "~", "1e3", "1_000", "0x1F", "0o17", "017", "3.1.0",
            ".inf", "-.inf", ".nan", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "12:30:45", "190:20:30", "#x",
            "a #b", "a: b", "-x", "- x", "? x", "@type", "$ref", "!x", "&a", "*a", "|", ">", "<<", "=", "'", "\"",
            "%YAML", "`", "{}", "[]", "a,b", " lead", "trail ", "tab\t", "multi\nline\n", "é", "日本", "😀",
            "\u{2028}", "\u{85}", "\u{FEFF}x", "\u{7}", "back\\slash", "null\u{0}byte",
        ],
        "numbers": [0, .number("-0"), .number("1.5"), .number("-2.25e-7"), .number("1e21"), .number("1E+3"), .number("12345678901234567890"), .number("0.1"), .number("5e-324")],
        "keys": ["yes": 1, "200": 2, "1e3": 3, "": 4, "a: b": 5, "@type": 6, "null": 7, "~": 8, "no": ["on": "off"]],
        "nested": [[[]], [[:]], [["a": [1, [2]]]], [:], []],
        "booleans": [true, false],
        "nothing": .null,
    ]

    @Test func documentsAreValidOpenAPIAndYAMLReadsBack() throws {
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        var arguments: [String] = []
        for (name, document) in try Self.documents() {
            let jsonPath = directory + "/\(name).json"
            let yamlPath = directory + "/\(name).yaml"
            try Protoc.writeFile(jsonPath, JSONWriter(pretty: true).bytes(document))
            try Protoc.writeFile(yamlPath, Array(YAMLWriter().string(document).utf8))
            arguments += [jsonPath, yamlPath]
        }
        let result = try PythonInterop.run("openapi_check.py", arguments)
        #expect(result.exitedCleanly, "\(result.output)")
        #expect(result.output.split(separator: "\n").filter { $0.hasPrefix("ok ") }.count == arguments.count / 2, "\(result.output)")

        // A document that is not OpenAPI is refused: the oracle can fail.
        let brokenPath = directory + "/broken.json"
        try Protoc.writeFile(brokenPath, Array(#"{"openapi":"3.1.0","info":{"title":"x"},"paths":{}}"#.utf8))
        try Protoc.writeFile(directory + "/broken.yaml", Array("openapi: 3.1.0\n".utf8))
        let broken = try PythonInterop.run("openapi_check.py", [brokenPath, directory + "/broken.yaml"])
        #expect(broken.status == 1, "\(broken.output)")
    }

    @Test func trickyValuesReadBackUnchanged() throws {
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        try Protoc.writeFile(directory + "/tricky.json", JSONWriter().bytes(Self.trickyValue))
        try Protoc.writeFile(directory + "/tricky.yaml", Array(YAMLWriter().string(Self.trickyValue).utf8))
        let result = try PythonInterop.run("openapi_check.py", ["--yaml-only", directory + "/tricky.json", directory + "/tricky.yaml"])
        #expect(result.exitedCleanly, "\(result.output)")

        // The oracle notices a plain `yes` read back as a boolean.
        try Protoc.writeFile(directory + "/naive.json", Array(#"{"a":"yes"}"#.utf8))
        try Protoc.writeFile(directory + "/naive.yaml", Array("a: yes\n".utf8))
        let naive = try PythonInterop.run("openapi_check.py", ["--yaml-only", directory + "/naive.json", directory + "/naive.yaml"])
        #expect(naive.status == 1, "\(naive.output)")
    }
}
