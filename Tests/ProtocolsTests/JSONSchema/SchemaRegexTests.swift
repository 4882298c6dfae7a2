@testable import Protocols
import Testing

/// `pattern` follows ECMA-262 with Unicode semantics, whatever Swift's `Regex` would do.
@Suite struct SchemaRegexTests {
    private func matches(_ pattern: String, _ input: String) throws -> Bool? {
        try SchemaRegex(pattern).matches(input)
    }

    @Test(arguments: [
        // (pattern, input, matches)
        ("abc", "xxabcxx", true),
        ("^abc$", "abc\n", false),
        ("^.$", "🐲", true),
        ("^.$", "\n", false),
        ("^\\d+$", "0123", true),
        ("^\\d$", "\u{0661}", false),
        ("^\\w+$", "abc_09", true),
        ("^\\w$", "é", false),
        ("^\\s$", "\u{FEFF}", true),
        ("^\\S$", "\u{3000}", false),
        ("\\bfoo\\b", "a foo b", true),
        ("\\bfoo\\b", "afoob", false),
        ("^\\p{L}+$", "日本語", true),
        ("^\\p{Lu}$", "a", false),
        ("^\\P{L}$", "1", true),
        ("^[^\\d\\s]+$", "ab", true),
        ("^[\\w-.]+$", "a-b.c", true),
        ("^[a-c-e]+$", "a-e", true),
        ("^\\cC$", "\u{3}", true),
        ("^\\u00e9$", "é", true),
        ("^\\uD83D\\uDC32$", "🐲", true),
        ("^\\u{1F432}$", "🐲", true),
        ("^a{2,3}$", "aaaa", false),
        ("^a{2,}$", "aaaa", true),
        ("^a{,2}$", "a{,2}", true),
        ("^(a|ab)(c|bcd)(d*)$", "abcd", true),
        ("^(\\w+)\\s\\1$", "hey hey", true),
        ("^(?<word>\\w+)-\\k<word>$", "ab-ab", true),
        ("^(?=.*\\d)(?=.*[a-z]).{6,}$", "abc123", true),
        ("^(?!.*password).*$", "my password", false),
        ("(?<=\\$)\\d+", "cost: $42", true),
        ("(?<!\\$)\\b\\d+", "$42", false),
        ("^(a*)*$", "aaaa", true),
        ("^(?:a|b)*c$", "ababab", false),
        ("[]", "a", false),
        ("^[^]$", "\n", true),
    ] as [(String, String, Bool)])
    func ecmaSemantics(pattern: String, input: String, expected: Bool) throws {
        #expect(try matches(pattern, input) == expected, "\(pattern) on \(input.debugDescription)")
    }

    @Test(arguments: [
        ("(", "missing ')'"),
        (")", "unmatched ')'"),
        ("a**", "nothing to repeat before '*'"),
        ("*a", "nothing to repeat before '*'"),
        ("[b-a]", "range out of order in character class"),
        ("a{3,1}", "numbers out of order in quantifier {3,1}"),
        ("\\1(a)(b)\\3", "backreference \\3 refers to a group that does not exist"),
        ("\\a", "invalid escape \\a"),
        ("\\p{Nope}", "unknown Unicode property \\p{Nope}"),
        ("(?<n>a)(?<n>b)", "duplicate capture group name \"n\""),
        ("[a", "missing ']'"),
    ] as [(String, String)])
    func invalidPatterns(pattern: String, message: String) {
        #expect(throws: SchemaRegexError.self) { try SchemaRegex(pattern) }
        do {
            _ = try SchemaRegex(pattern)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func stepBudget() throws {
        let regex = try SchemaRegex("^(a|aa)+$")
        let input = String(repeating: "a", count: 60) + "b"
        #expect(regex.matches(input) == nil)
        #expect(regex.matches("aaaa") == true)
        // Linear searches of long strings are never cut short.
        let long = String(repeating: "x", count: 200_000)
        #expect(try SchemaRegex("y").matches(long) == false)
        #expect(try SchemaRegex("x*y").matches(long + "y") == true)
        #expect(try SchemaRegex("^[a-z]+$").matches(long) == true)
    }

    // Quantifying nothing does not unroll a billion times.
    @Test func emptyQuantifiedBody() throws {
        #expect(try SchemaRegex("^(?:){1000000000}a$").matches("a") == true)
        #expect(throws: SchemaRegexError.self) { try SchemaRegex("a{1000000}") }
    }
}
