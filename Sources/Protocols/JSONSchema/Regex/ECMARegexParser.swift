/// Parses ECMA-262 pattern syntax with the `u` flag's rules (JSON Schema says patterns use
/// Unicode semantics), reading Annex B leniently where real schemas rely on it: a `{` that
/// does not start a quantifier and a lone `]` or `}` are literals, and `-` next to a class
/// escape in a class (`[\w-.]`) is a literal. Escaped ASCII letters that ECMA-262 does not
/// define (`\a`, `\z`, `\A`) are errors rather than silently read as the letter.
struct ECMARegexParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var groupCount = 0
    private var groupNames: [String: Int] = [:]
    private var backreferenceNumbers: [Int] = []
    private var depth = 0

    struct Result {
        var node: ECMARegexNode
        var captureCount: Int
    }

    static func parse(_ pattern: String) throws(SchemaRegexError) -> Result {
        var parser = ECMARegexParser(scalars: Array(pattern.unicodeScalars))
        let node = try parser.parseDisjunction()
        if parser.index < parser.scalars.count {
            throw SchemaRegexError("unmatched ')'")
        }
        for number in parser.backreferenceNumbers where number > parser.groupCount {
            throw SchemaRegexError("backreference \\\(number) refers to a group that does not exist")
        }
        return Result(node: node, captureCount: parser.groupCount)
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    // MARK: Structure

    private mutating func parseDisjunction() throws(SchemaRegexError) -> ECMARegexNode {
        var alternatives = [try parseAlternative()]
        while current == "|" {
            index += 1
            alternatives.append(try parseAlternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func parseAlternative() throws(SchemaRegexError) -> ECMARegexNode {
        var terms: [ECMARegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            terms.append(try parseTerm())
        }
        switch terms.count {
        case 0: return .empty
        case 1: return terms[0]
        default: return .sequence(terms)
        }
    }

    private mutating func parseTerm() throws(SchemaRegexError) -> ECMARegexNode {
        guard let scalar = current else { return .empty }
        let atom: ECMARegexNode
        var quantifiable = true
        switch scalar {
        case "^":
            index += 1
            atom = .inputStart
            quantifiable = false
        case "$":
            index += 1
            atom = .inputEnd
            quantifiable = false
        case "(":
            (atom, quantifiable) = try parseGroup()
        case ".":
            index += 1
            atom = .set(ECMARegexClass.dot)
        case "[":
            atom = try parseClass()
        case "\\":
            (atom, quantifiable) = try parseAtomEscape()
        case "*", "+", "?":
            throw SchemaRegexError("nothing to repeat before '\(scalar)'")
        case "{":
            if quantifierLength() != nil { throw SchemaRegexError("nothing to repeat before '{'") }
            index += 1
            atom = .scalar(scalar.value)
        default:
            index += 1
            atom = .scalar(scalar.value)
        }
        return try parseQuantifier(atom, allowed: quantifiable)
    }

    /// Length of a `{n}`, `{n,}` or `{n,m}` quantifier at the current position, if any.
    private func quantifierLength() -> Int? {
        guard current == "{" else { return nil }
        var offset = 1
        var sawDigit = false
        while let scalar = peek(offset), Self.isDecimal(scalar) {
            sawDigit = true
            offset += 1
        }
        guard sawDigit else { return nil }
        if peek(offset) == "," {
            offset += 1
            while let scalar = peek(offset), Self.isDecimal(scalar) { offset += 1 }
        }
        guard peek(offset) == "}" else { return nil }
        return offset + 1
    }

    private mutating func parseQuantifier(
        _ atom: ECMARegexNode, allowed: Bool
    ) throws(SchemaRegexError) -> ECMARegexNode {
        guard let scalar = current else { return atom }
        let min: Int
        let max: Int?
        switch scalar {
        case "*": min = 0; max = nil; index += 1
        case "+": min = 1; max = nil; index += 1
        case "?": min = 0; max = 1; index += 1
        case "{":
            guard let length = quantifierLength() else { return atom }
            let body = String(String.UnicodeScalarView(scalars[(index + 1)..<(index + length - 1)]))
            index += length
            let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
            min = Self.clampedInt(bounds[0])
            if bounds.count == 1 {
                max = min
            } else if bounds[1].isEmpty {
                max = nil
            } else {
                max = Self.clampedInt(bounds[1])
                guard min <= max! else { throw SchemaRegexError("numbers out of order in quantifier {\(body)}") }
            }
        default:
            return atom
        }
        guard allowed else { throw SchemaRegexError("nothing to repeat before '\(scalar)'") }
        var greedy = true
        if current == "?" {
            index += 1
            greedy = false
        }
        if let next = current, next == "*" || next == "+" || next == "?" || (next == "{" && quantifierLength() != nil) {
            throw SchemaRegexError("nothing to repeat before '\(next)'")
        }
        return .quantified(atom, min: min, max: max, greedy: greedy)
    }

    private static func clampedInt(_ digits: Substring) -> Int {
        var value = 0
        for scalar in digits.unicodeScalars {
            value = Swift.min(value * 10 + Int(scalar.value - 48), 1_000_000_000)
        }
        return value
    }

    private mutating func parseGroup() throws(SchemaRegexError) -> (ECMARegexNode, quantifiable: Bool) {
        guard depth < JSONSchema.defaultMaximumPatternNesting else {
            throw SchemaRegexError("groups nested too deeply")
        }
        depth += 1
        defer { depth -= 1 }
        index += 1
        enum Kind { case capture(Int), plain, lookahead(Bool), lookbehind(Bool) }
        let kind: Kind
        if current == "?" {
            switch (peek(1), peek(2)) {
            case (":", _):
                index += 2
                kind = .plain
            case ("=", _), ("!", _):
                kind = .lookahead(peek(1) == "!")
                index += 2
            case ("<", "="), ("<", "!"):
                kind = .lookbehind(peek(2) == "!")
                index += 3
            case ("<", _):
                index += 2
                let name = try parseGroupName()
                guard groupNames[name] == nil else {
                    throw SchemaRegexError("duplicate capture group name \"\(name)\"")
                }
                groupCount += 1
                groupNames[name] = groupCount
                kind = .capture(groupCount)
            default:
                throw SchemaRegexError("invalid group: '(?' must be followed by ':', '=', '!', '<=', '<!' or '<name>'")
            }
        } else {
            groupCount += 1
            kind = .capture(groupCount)
        }
        let body = try parseDisjunction()
        guard current == ")" else { throw SchemaRegexError("missing ')'") }
        index += 1
        switch kind {
        case .capture(let number): return (.group(body, capture: number), true)
        case .plain: return (.group(body, capture: nil), true)
        case .lookahead(let negated): return (.lookahead(body, negated: negated), false)
        case .lookbehind(let negated): return (.lookbehind(body, negated: negated), false)
        }
    }

    private mutating func parseGroupName() throws(SchemaRegexError) -> String {
        var name = ""
        while let scalar = current, scalar != ">" {
            let valid = scalar == "$" || scalar == "_"
                || (name.isEmpty ? scalar.properties.isIDStart : scalar.properties.isIDContinue)
            guard valid else { throw SchemaRegexError("invalid capture group name") }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard current == ">", !name.isEmpty else { throw SchemaRegexError("invalid capture group name") }
        index += 1
        return name
    }

    // MARK: Escapes

    private enum Escape {
        case scalar(UInt32)
        case set(ECMARegexClass.Item)
    }

    private mutating func parseAtomEscape() throws(SchemaRegexError) -> (ECMARegexNode, quantifiable: Bool) {
        index += 1
        guard let scalar = current else { throw SchemaRegexError("pattern ends with a backslash") }
        switch scalar {
        case "b", "B":
            index += 1
            return (.wordBoundary(negated: scalar == "B"), false)
        case "1"..."9":
            var number = 0
            while let digit = current, Self.isDecimal(digit) {
                number = Swift.min(number * 10 + Int(digit.value - 48), 1_000_000)
                index += 1
            }
            backreferenceNumbers.append(number)
            return (.backreference(number), true)
        case "k":
            index += 1
            guard current == "<" else { throw SchemaRegexError("invalid named backreference") }
            index += 1
            let name = try parseGroupName()
            // Names may be defined later in the pattern; resolve once parsing is done.
            if let number = groupNames[name] { return (.backreference(number), true) }
            let number = try laterGroupNumber(named: name)
            backreferenceNumbers.append(number)
            return (.backreference(number), true)
        default:
            switch try parseCharacterEscape(inClass: false) {
            case .scalar(let value): return (.scalar(value), true)
            case .set(let item): return (.set(ECMARegexClass(items: [item])), true)
            }
        }
    }

    /// The number a named group defined later in the pattern will get.
    private func laterGroupNumber(named name: String) throws(SchemaRegexError) -> Int {
        var count = groupCount
        var position = index
        var inClass = false
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\\" {
                position += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
            } else if scalar == "[" {
                inClass = true
            } else if scalar == "(" {
                let next = position + 1 < scalars.count ? scalars[position + 1] : nil
                if next != "?" {
                    count += 1
                } else if position + 2 < scalars.count, scalars[position + 2] == "<",
                          position + 3 < scalars.count, scalars[position + 3] != "=", scalars[position + 3] != "!"
                {
                    count += 1
                    var end = position + 3
                    var candidate = ""
                    while end < scalars.count, scalars[end] != ">" {
                        candidate.unicodeScalars.append(scalars[end])
                        end += 1
                    }
                    if candidate == name { return count }
                }
            }
            position += 1
        }
        throw SchemaRegexError("backreference \\k<\(name)> refers to a group that does not exist")
    }

    private mutating func parseCharacterEscape(inClass: Bool) throws(SchemaRegexError) -> Escape {
        guard let scalar = current else { throw SchemaRegexError("pattern ends with a backslash") }
        index += 1
        switch scalar {
        case "d": return .set(.ranges(ECMARegexClass.digitRanges, negated: false))
        case "D": return .set(.ranges(ECMARegexClass.digitRanges, negated: true))
        case "w": return .set(.ranges(ECMARegexClass.wordRanges, negated: false))
        case "W": return .set(.ranges(ECMARegexClass.wordRanges, negated: true))
        case "s": return .set(.ranges(ECMARegexClass.whitespaceRanges, negated: false))
        case "S": return .set(.ranges(ECMARegexClass.whitespaceRanges, negated: true))
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "v": return .scalar(0x0B)
        case "f": return .scalar(0x0C)
        case "r": return .scalar(0x0D)
        case "b" where inClass: return .scalar(0x08)
        case "-" where inClass: return .scalar(0x2D)
        case "0":
            if let next = current, Self.isDecimal(next) {
                throw SchemaRegexError("octal escapes are not allowed")
            }
            return .scalar(0)
        case "c":
            guard let letter = current, letter.isASCII, letter.properties.isAlphabetic else {
                throw SchemaRegexError("\\c must be followed by an ASCII letter")
            }
            index += 1
            return .scalar(letter.value % 32)
        case "x":
            guard let value = hexDigits(count: 2) else { throw SchemaRegexError("invalid \\x escape") }
            return .scalar(value)
        case "u":
            return .scalar(try parseUnicodeEscape())
        case "p", "P":
            guard current == "{" else { throw SchemaRegexError("invalid Unicode property escape") }
            index += 1
            var name = ""
            while let next = current, next != "}" {
                name.unicodeScalars.append(next)
                index += 1
            }
            guard current == "}", !name.isEmpty else { throw SchemaRegexError("invalid Unicode property escape") }
            index += 1
            guard let property = ECMARegexProperty.named(name) else {
                let key = name.split(separator: "=").first.map { $0.lowercased() } ?? ""
                if ["script", "sc", "script_extensions", "scx"].contains(key), name.contains("=") {
                    throw SchemaRegexError("Unicode script properties (\\p{\(name)}) are not supported")
                }
                throw SchemaRegexError("unknown Unicode property \\p{\(name)}")
            }
            return .set(.property(property, negated: scalar == "P"))
        default:
            // Identity escapes: syntax characters and other punctuation stand for themselves.
            if scalar.isASCII, scalar.properties.isAlphabetic || Self.isDecimal(scalar) {
                throw SchemaRegexError("invalid escape \\\(scalar)")
            }
            return .scalar(scalar.value)
        }
    }

    private mutating func hexDigits(count: Int) -> UInt32? {
        guard index + count <= scalars.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<count {
            guard let digit = Self.hexValue(scalars[index + offset]) else { return nil }
            value = value * 16 + digit
        }
        index += count
        return value
    }

    private mutating func parseUnicodeEscape() throws(SchemaRegexError) -> UInt32 {
        if current == "{" {
            index += 1
            var value: UInt32 = 0
            var digits = 0
            while let scalar = current, let digit = Self.hexValue(scalar) {
                value = value * 16 + digit
                digits += 1
                guard value <= 0x10FFFF else { throw SchemaRegexError("\\u{…} escape is out of range") }
                index += 1
            }
            guard current == "}", digits > 0 else { throw SchemaRegexError("invalid \\u{…} escape") }
            index += 1
            return value
        }
        guard let high = hexDigits(count: 4) else { throw SchemaRegexError("invalid \\u escape") }
        if (0xD800...0xDBFF).contains(high), current == "\\", peek(1) == "u" {
            let save = index
            index += 2
            if let low = hexDigits(count: 4), (0xDC00...0xDFFF).contains(low) {
                return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            index = save
        }
        // A lone surrogate stays a surrogate value: no Swift string holds one, so it never matches.
        return high
    }

    // MARK: Classes

    private mutating func parseClass() throws(SchemaRegexError) -> ECMARegexNode {
        index += 1
        var negated = false
        if current == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var items: [ECMARegexClass.Item] = []
        while true {
            guard let scalar = current else { throw SchemaRegexError("missing ']'") }
            if scalar == "]" {
                index += 1
                break
            }
            let first = try parseClassAtom()
            if current == "-", let after = peek(1), after != "]" {
                index += 1
                let second = try parseClassAtom()
                switch (first, second) {
                case (.scalar(let low), .scalar(let high)):
                    guard low <= high else { throw SchemaRegexError("range out of order in character class") }
                    ranges.append(low...high)
                default:
                    // A class escape at either end (`[\w-.]`): Annex B reads '-' literally.
                    for atom in [first, second] {
                        switch atom {
                        case .scalar(let value): ranges.append(value...value)
                        case .set(let item): items.append(item)
                        }
                    }
                    ranges.append(0x2D...0x2D)
                }
                continue
            }
            switch first {
            case .scalar(let value): ranges.append(value...value)
            case .set(let item): items.append(item)
            }
        }
        if !ranges.isEmpty { items.insert(.ranges(ECMARegexClass.normalized(ranges), negated: false), at: 0) }
        return .set(ECMARegexClass(items: items, isNegated: negated))
    }

    private mutating func parseClassAtom() throws(SchemaRegexError) -> Escape {
        guard let scalar = current else { throw SchemaRegexError("missing ']'") }
        index += 1
        guard scalar == "\\" else { return .scalar(scalar.value) }
        return try parseCharacterEscape(inClass: true)
    }

    // MARK: Helpers

    private static func isDecimal(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 48 && scalar.value <= 57
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar.value {
        case 48...57: scalar.value - 48
        case 65...70: scalar.value - 55
        case 97...102: scalar.value - 87
        default: nil
        }
    }
}
