/// ProtoJSON number text: shortest round-trip formatting of floats and doubles in
/// ECMAScript's style (what `JSON.stringify` and Go's protojson write), and exact parsing of
/// integers from number literals and numeric strings (`"1e3"` and `"5.0"` are integers; no
/// precision is lost on 64-bit values, unlike a parser that goes through a double).
enum ProtoJSONNumber {
    /// A finite double as ECMAScript's `Number.prototype.toString` writes it
    /// (`100`, `0.1`, `1e-7`, `1.5e+300`). -0 is written `-0`.
    static func format(_ value: Double) -> String {
        integral(value, exactBelow: 0x1p53) ?? format(description: value.description)
    }

    /// A finite float by its own shortest representation (`0.1`, not `0.10000000149011612`).
    static func format(_ value: Float) -> String {
        integral(Double(value), exactBelow: 0x1p24) ?? format(description: value.description)
    }

    /// Whole numbers up to `limit` (2^53 for doubles, 2^24 for floats; most numbers a service
    /// returns) written directly, without reformatting a description. Up to there every
    /// integer is exact, so its digits are its shortest form; beyond, the shortest form may
    /// end in zeros the exact value does not (2^60 is written 1152921504606847000).
    private static func integral(_ value: Double, exactBelow limit: Double) -> String? {
        guard value.rounded(.towardZero) == value, value.magnitude <= limit else { return nil }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        return String(Int64(value))
    }

    /// Reformats Swift's shortest round-trip description (`1e-07`, `100.0`, `1.5e+20`).
    private static func format(description: String) -> String {
        var text = Substring(description)
        var negative = false
        if text.first == "-" {
            negative = true
            text = text.dropFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var integerPart = text
        var fractionPart: Substring = ""
        if let dot = text.firstIndex(of: ".") {
            integerPart = text[..<dot]
            fractionPart = text[text.index(after: dot)...]
        }
        var digits = Array((integerPart + fractionPart).utf8)
        // The decimal point sits after `point` digits.
        var point = integerPart.utf8.count + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return negative ? "-0" : "0" }

        let k = digits.count
        var out = negative ? "-" : ""
        let digitText = String(decoding: digits, as: UTF8.self)
        if k <= point && point <= 21 {
            out += digitText + String(repeating: "0", count: point - k)
        } else if 0 < point && point <= 21 {
            out +=
                String(decoding: digits[..<point], as: UTF8.self) + "."
                + String(decoding: digits[point...], as: UTF8.self)
        } else if -6 < point && point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + digitText
        } else {
            let e = point - 1
            out += String(UnicodeScalar(digits[0]))
            if k > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
            out += "e" + (e >= 0 ? "+" : "-") + String(abs(e))
        }
        return out
    }

    /// The outcome of reading an integer.
    enum Integer: Equatable {
        case value(negative: Bool, magnitude: UInt64)
        /// A number with a non-zero fraction.
        case notInteger
        /// A whole number beyond 64 bits.
        case overflow
        /// Not number syntax at all.
        case invalid
    }

    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` exactly. Leading zeros are accepted (map
    /// keys and quoted numbers are not JSON number tokens).
    static func parseInteger(_ text: some StringProtocol) -> Integer {
        let bytes = Array(text.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var mantissa: [UInt8] = []
        let integerStart = i
        while i < bytes.count, isDigit(bytes[i]) {
            mantissa.append(bytes[i])
            i += 1
        }
        guard i > integerStart else { return .invalid }
        var fractionDigits = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < bytes.count, isDigit(bytes[i]) {
                mantissa.append(bytes[i])
                i += 1
            }
            guard i > fractionStart else { return .invalid }
            fractionDigits = i - fractionStart
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            while i < bytes.count, isDigit(bytes[i]) {
                // Saturate: anything past a few hundred is overflow or zero anyway.
                if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 48) }
                i += 1
            }
            guard i > exponentStart else { return .invalid }
            if exponentNegative { exponent = -exponent }
        }
        guard i == bytes.count else { return .invalid }

        exponent -= fractionDigits
        while let first = mantissa.first, first == UInt8(ascii: "0") { mantissa.removeFirst() }
        if mantissa.isEmpty { return .value(negative: negative, magnitude: 0) }
        while let last = mantissa.last, last == UInt8(ascii: "0") {
            mantissa.removeLast()
            exponent += 1
        }
        if exponent < 0 { return .notInteger }
        if mantissa.count + exponent > 20 { return .overflow }
        var magnitude: UInt64 = 0
        for digit in mantissa {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit - 48))
            if o1 || o2 { return .overflow }
            magnitude = sum
        }
        for _ in 0..<exponent {
            let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return .overflow }
            magnitude = times10
        }
        return .value(negative: negative, magnitude: magnitude)
    }

    /// Whether `text` is number syntax (`-?digits(.digits)?(e[+-]?digits)?`, leading zeros allowed).
    static func isNumberSyntax(_ text: some StringProtocol) -> Bool {
        parseInteger(text) != .invalid
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
