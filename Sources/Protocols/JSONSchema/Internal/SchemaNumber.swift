/// An exact decimal view of a JSON number literal, so that schema comparisons never lose
/// precision (`18446744073709551600 < 18446744073709551615`, `1e308` is an integer).
///
/// The value is `digits × 10^exponent`, where `digits` has no leading or trailing zeros (it
/// is empty for zero). Comparisons work on that form; `multipleOf` does exact long division
/// and falls back to `Double` only past ``JSONSchema/defaultMaximumMultipleOfWork``.
struct SchemaNumber: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// Significant digits (ASCII values 0...9, not characters), most significant first.
    let digits: [UInt8]
    /// Power of ten applied to `digits`.
    let exponent: Int
    let isNegative: Bool

    /// Exponents are clamped to this magnitude so that absurd literals (`1e999999999999`)
    /// neither overflow nor allocate; such values still compare correctly against anything
    /// a schema can sensibly hold.
    static let exponentClamp = 1_000_000_000

    static let zero = SchemaNumber(digits: [], exponent: 0, isNegative: false)

    init(digits: [UInt8], exponent: Int, isNegative: Bool) {
        self.digits = digits
        self.exponent = exponent
        self.isNegative = isNegative
    }

    /// Parses RFC 8259 number syntax (as kept by ``JSONValue/number(_:)``); nil if the text
    /// is not a number.
    init?(_ text: String) {
        var utf8 = text.utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") {
            negative = true
            utf8 = utf8.dropFirst()
        }
        var all: [UInt8] = []
        var sawDigit = false
        var fractionDigits = 0
        var inFraction = false
        var exponentPart = 0
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte >= 48 && byte <= 57 {
                sawDigit = true
                all.append(byte - 48)
                if inFraction { fractionDigits += 1 }
            } else if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                var rest = utf8[utf8.index(after: index)...]
                var exponentNegative = false
                if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    exponentNegative = sign == UInt8(ascii: "-")
                    rest = rest.dropFirst()
                }
                guard !rest.isEmpty else { return nil }
                var value = 0
                for digit in rest {
                    guard digit >= 48 && digit <= 57 else { return nil }
                    if value < Self.exponentClamp { value = value * 10 + Int(digit - 48) }
                }
                exponentPart = exponentNegative ? -min(value, Self.exponentClamp) : min(value, Self.exponentClamp)
                break
            } else {
                return nil
            }
            index = utf8.index(after: index)
        }
        guard sawDigit else { return nil }
        // Strip leading zeros, then trailing zeros into the exponent.
        var start = 0
        while start < all.count, all[start] == 0 { start += 1 }
        var end = all.count
        var exponent = exponentPart - fractionDigits
        while end > start, all[end - 1] == 0 {
            end -= 1
            exponent += 1
        }
        if start == end {
            self = .zero
            return
        }
        self.init(digits: Array(all[start..<end]), exponent: exponent, isNegative: negative)
    }

    var isZero: Bool { digits.isEmpty }

    /// True when the value has no fractional part (`1.0`, `1e3`, `-0`).
    var isInteger: Bool { isZero || exponent >= 0 }

    /// The position just above the most significant digit: the magnitude's order.
    private var magnitudeOrder: Int { digits.count + exponent }

    /// The value rounded to a `Double` (infinite if out of range).
    var doubleValue: Double {
        var text = isNegative ? "-" : ""
        if digits.isEmpty { return 0 }
        for digit in digits { text.unicodeScalars.append(Unicode.Scalar(digit + 48)) }
        text += "e\(exponent)"
        return Double(text) ?? (isNegative ? -.infinity : .infinity)
    }

    /// The value as an `Int` when it is an integer that fits (used for counting keywords).
    var intValue: Int? {
        guard isInteger else { return nil }
        if isZero { return 0 }
        guard magnitudeOrder <= 18 else { return nil }
        var value = 0
        for digit in digits { value = value * 10 + Int(digit) }
        for _ in 0..<exponent { value *= 10 }
        return isNegative ? -value : value
    }

    /// Canonical text, e.g. `-125e-2`; equal numbers give equal text.
    var description: String {
        if isZero { return "0" }
        var text = isNegative ? "-" : ""
        for digit in digits { text.unicodeScalars.append(Unicode.Scalar(digit + 48)) }
        if exponent != 0 { text += "e\(exponent)" }
        return text
    }

    static func compareMagnitude(_ a: SchemaNumber, _ b: SchemaNumber) -> Int {
        if a.isZero || b.isZero { return (a.isZero ? 0 : 1) - (b.isZero ? 0 : 1) }
        if a.magnitudeOrder != b.magnitudeOrder { return a.magnitudeOrder < b.magnitudeOrder ? -1 : 1 }
        // Same order: compare digit strings left to right; with no trailing zeros, a proper
        // prefix is the smaller value.
        for (x, y) in zip(a.digits, b.digits) where x != y { return x < y ? -1 : 1 }
        if a.digits.count == b.digits.count { return 0 }
        return a.digits.count < b.digits.count ? -1 : 1
    }

    static func compare(_ a: SchemaNumber, _ b: SchemaNumber) -> Int {
        let aSign = a.isZero ? 0 : (a.isNegative ? -1 : 1)
        let bSign = b.isZero ? 0 : (b.isNegative ? -1 : 1)
        if aSign != bSign { return aSign < bSign ? -1 : 1 }
        let magnitude = compareMagnitude(a, b)
        return aSign < 0 ? -magnitude : magnitude
    }

    static func < (a: SchemaNumber, b: SchemaNumber) -> Bool { compare(a, b) < 0 }

    /// Whether `self` divided by `divisor` is an integer. `divisor` must be positive.
    ///
    /// Exact (decimal long division) unless the work would exceed ``JSONSchema/defaultMaximumMultipleOfWork``
    /// digit operations, as for `1e100000` against a 30-digit divisor; the test is then done
    /// in `Double`, where a non-finite quotient counts as "not a multiple".
    func isMultiple(of divisor: SchemaNumber) -> Bool {
        if isZero { return true }
        guard !divisor.isZero else { return false }
        // self = A·10^ea and divisor = B·10^eb with A, B free of trailing zeros.
        // If ea < eb the quotient A / (B·10^(eb-ea)) is never an integer (10 ∤ A);
        // otherwise it is one iff A·10^(ea-eb) ≡ 0 (mod B).
        let shift = exponent - divisor.exponent
        guard shift >= 0 else { return false }
        let steps = digits.count + shift
        if divisor.digits.count <= 18 {
            if steps <= JSONSchema.defaultMaximumMultipleOfWork {
                var modulus: UInt64 = 0
                for digit in divisor.digits { modulus = modulus * 10 + UInt64(digit) }
                var remainder: UInt64 = 0
                for digit in digits { remainder = (remainder * 10 + UInt64(digit)) % modulus }
                for _ in 0..<shift {
                    if remainder == 0 { return true }
                    remainder = (remainder * 10) % modulus
                }
                return remainder == 0
            }
        } else if case let (work, overflow) = steps.multipliedReportingOverflow(by: divisor.digits.count * 10),
                  !overflow, work <= JSONSchema.defaultMaximumMultipleOfWork
        {
            var remainder: [UInt8] = []
            for index in 0..<steps {
                if index >= digits.count, remainder.isEmpty { return true }
                let digit = index < digits.count ? digits[index] : 0
                if !(remainder.isEmpty && digit == 0) { remainder.append(digit) }
                while Self.decimalCompare(remainder, divisor.digits) >= 0 {
                    Self.decimalSubtract(&remainder, divisor.digits)
                }
            }
            return remainder.isEmpty
        }
        let quotient = doubleValue / divisor.doubleValue
        guard quotient.isFinite else { return false }
        return quotient == quotient.rounded(.towardZero)
    }

    /// Compares digit strings without leading zeros.
    private static func decimalCompare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return 0
    }

    /// `a -= b` for digit strings with `a >= b`; strips leading zeros from the result.
    private static func decimalSubtract(_ a: inout [UInt8], _ b: [UInt8]) {
        var borrow: UInt8 = 0
        var i = a.count - 1
        var j = b.count - 1
        while i >= 0 {
            let subtrahend = (j >= 0 ? b[j] : 0) + borrow
            if a[i] >= subtrahend {
                a[i] -= subtrahend
                borrow = 0
            } else {
                a[i] = a[i] + 10 - subtrahend
                borrow = 1
            }
            i -= 1
            j -= 1
        }
        let firstNonZero = a.firstIndex { $0 != 0 } ?? a.count
        a.removeFirst(firstNonZero)
    }

}
