@testable import Protocols
import Testing

/// Numeric keywords compare JSON number literals exactly.
@Suite struct SchemaNumberTests {
    private func number(_ text: String) throws -> SchemaNumber {
        try #require(SchemaNumber(text))
    }

    @Test func canonicalForm() throws {
        #expect(try number("0").description == "0")
        #expect(try number("-0.0").description == "0")
        #expect(try number("1.50").description == "15e-1")
        #expect(try number("1500").description == "15e2")
        #expect(try number("1.5e3").description == "15e2")
        #expect(try number("-12.3400E-2").description == "-1234e-4")
        #expect(SchemaNumber("abc") == nil)
        #expect(SchemaNumber("1e") == nil)
    }

    @Test func ordering() throws {
        #expect(try number("1") == number("1.0"))
        #expect(try number("1e2") == number("100"))
        #expect(try number("18446744073709551600") < number("18446744073709551615"))
        #expect(try number("-18446744073709551615") < number("-18446744073709551600"))
        #expect(try number("972783798187987123879878123.18878137") < number("972783798187987123879878123.188781371"))
        #expect(try number("-1") < number("0"))
        #expect(try number("0.001") < number("0.01"))
        #expect(try number("1e308") < number("1e309"))
        #expect(try number("1e-999999999999999999999") < number("1e-5"))
    }

    @Test func integers() throws {
        #expect(try number("1.0").isInteger)
        #expect(try number("1e308").isInteger)
        #expect(try !number("1.5").isInteger)
        #expect(try !number("1e-1").isInteger)
        #expect(try number("12345678901234567890123").isInteger)
        #expect(try number("12").intValue == 12)
        #expect(try number("-3e2").intValue == -300)
        #expect(try number("1e30").intValue == nil)
    }

    @Test(arguments: [
        ("10", "2", true), ("7", "2", false), ("4.5", "1.5", true), ("35", "1.5", false),
        ("0.0075", "0.0001", true), ("0.00751", "0.0001", false), ("19.99", "0.01", true),
        ("1e308", "0.5", true), ("1e308", "0.123456789", false), ("12391239123", "1e-8", true),
        ("5", "50", false), ("0", "7", true), ("-9", "3", true),
        ("123456789012345678901234567890", "1234567890123456789", false),
    ] as [(String, String, Bool)])
    func multipleOf(value: String, divisor: String, expected: Bool) throws {
        #expect(try number(value).isMultiple(of: number(divisor)) == expected)
    }
}
