import Testing
@testable import Protocols

@Suite struct JSONTests {
    @Test func roundTripsKeepingOrderAndNumberText() throws {
        let text = #"{"b":1,"a":[true,false,null],"n":12345678901234567890,"f":1.50,"e":1e3,"s":"x\"y\\z\n\u00e9\ud83d\ude00"}"#
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == ["b", "a", "n", "f", "e", "s"])
        #expect(value["n"]?.numberText == "12345678901234567890")
        #expect(value["f"]?.numberText == "1.50")
        #expect(value["s"]?.stringValue == "x\"y\\z\né😀")
        #expect(JSONWriter().string(value) == #"{"b":1,"a":[true,false,null],"n":12345678901234567890,"f":1.50,"e":1e3,"s":"x\"y\\z\né😀"}"#)
    }

    @Test func prettyPrintsWithSortedKeys() throws {
        let value = try JSONParser.parse(#"{"b":{"y":1,"x":[]},"a":{}}"#)
        #expect(JSONWriter(pretty: true, sortedKeys: true).string(value) == "{\n  \"a\": {},\n  \"b\": {\n    \"x\": [],\n    \"y\": 1\n  }\n}")
    }

    @Test func escapesLikeGo() {
        #expect(JSONWriter.quoted("<a&b>\u{2028}\u{1}") == #""\u003ca\u0026b\u003e\u2028\u0001""#)
    }

    @Test(arguments: [
        ("plain", #""plain""#), ("", #""""#), (#"{"a":"b"}"#, #""{\"a\":\"b\"}""#),
        ("é\u{2029}x\u{1F}\t\r\n\\", #""é\u2029x\u001f\t\r\n\\""#), ("\u{2000}\u{2027}", "\"\u{2000}\u{2027}\""),
        ("tail\"", #""tail\"""#), ("\"head", #""\"head""#), ("€ and ‐ stay", #""€ and ‐ stay""#),
    ])
    func escapesRunsAndPassesMultibyteText(text: String, expected: String) throws {
        #expect(JSONWriter.quoted(text) == expected)
        #expect(try JSONParser.parse(expected).stringValue == text)
    }

    /// Random strings mixing everything the writer treats specially survive a round trip.
    @Test func roundTripsRandomStrings() throws {
        let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "<", ">", "&", "é", "€",
                                     "\u{2028}", "\u{2029}", "\u{2027}", "😀", "/"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let quoted = JSONWriter.quoted(text)
            #expect(!quoted.contains("\u{2028}") && !quoted.contains("<"))
            #expect(try JSONParser.parse(quoted).stringValue == text)
        }
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"\\x\"", "\"a\u{1}\"", "{\"a\":1,\"a\":2}",
        "[1] 2", "\"\\ud800\"", "nan", "{'a':1}",
    ])
    func rejectsInvalidDocuments(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONParser.parse(ok)) != nil)
    }

    @Test func reportsErrorOffsets() {
        do {
            _ = try JSONParser.parse("{\"a\": tru}")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 6)
            #expect(error.description.contains("invalid literal"))
        }
    }

    @Test func integersFromNumbers() throws {
        #expect(try JSONParser.parse("5.0").int64Value == 5)
        #expect(try JSONParser.parse("1e3").int64Value == 1000)
        #expect(try JSONParser.parse("1.5").int64Value == nil)
        #expect(try JSONParser.parse("-9223372036854775808").int64Value == Int64.min)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(Digests.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digests.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
