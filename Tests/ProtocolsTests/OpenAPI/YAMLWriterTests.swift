import Protocols
import Testing

/// Block-style YAML that readers cannot misread (the PyYAML round trip is in
/// OpenAPIValidationTests).
@Suite struct YAMLWriterTests {
    @Test func writesBlockStyle() throws {
        let value = try json(
            """
            {"openapi":"3.1.0","info":{"title":"OctoBus Connect RPC Catalog: dev","version":"dev"},
             "paths":{},"tags":[{"name":"a.B","description":"line one\\nline two"},{"name":"c"}],
             "list":[[1,2],[],{}],"flags":[true,false,null],"n":-1.5e-7,"m":1E3,"k":12}
            """)
        #expect(
            YAMLWriter().string(value)
                == """
                openapi: "3.1.0"
                info:
                  title: "OctoBus Connect RPC Catalog: dev"
                  version: dev
                paths: {}
                tags:
                  - name: a.B
                    description: "line one\\nline two"
                  - name: c
                list:
                  -
                    - 1
                    - 2
                  - []
                  - {}
                flags:
                  - true
                  - false
                  - null
                "n": -1.5e-7
                m: 1.0e+3
                k: 12

                """)
        #expect(YAMLWriter().string(.object(JSONObject())) == "{}\n")
        #expect(YAMLWriter().string("yes") == "\"yes\"\n")
    }

    @Test(arguments: [
        "", "yes", "No", "ON", "off", "y", "N", "true", "False", "null", "NULL", "~", "1e3", "3.1.0", "200", "0x1F",
        "0o17", ".inf", "-.Inf", ".NaN", "2024-01-01", "12:30", "#comment", "a #b", "a: b", "a:b", "-x", "- x", "? x",
        "@type", "$ref", "!tag", "&anchor", "*alias", "|", ">", "'q'", "\"q\"", "%x", "`x`", "{a}", "[a]", "a,b",
        " lead", "trail ", "tab\there", "line\nbreak", "é", "\u{2028}", "<<", "=",
    ])
    func quotesWhatReadersWouldMisread(text: String) {
        let written = YAMLWriter().string(.string(text))
        #expect(written.hasPrefix("\""), "\(text) -> \(written)")
    }

    @Test(arguments: [
        "dev", "application/json", "gw.test.v1.Task", "/capsets/dev/connect/t1/gw.test.v1.TaskService/GetTask",
        "Success", "Gets one task", "int64", "date-time", "a+b", "x_y", "_private", "Yesterday", "nullable", "onion",
    ])
    func leavesPlainWhatIsUnambiguous(text: String) {
        #expect(YAMLWriter().string(.string(text)) == text + "\n")
    }

    @Test func escapesInsideDoubleQuotes() {
        #expect(YAMLWriter().string(.string("a\"b\\c\u{1}\u{85}\u{FEFF}😀\t")) == #""a\"b\\c\u0001\u0085\uFEFF😀\t""# + "\n")
    }
}
