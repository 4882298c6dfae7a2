/// A compiled `pattern`: ECMA-262 syntax and semantics (Unicode code points, ASCII `\d`,
/// `\w` and `\b`, `.` excluding line terminators), compiled once with the schema and run as
/// an unanchored search by our own backtracking matcher (see ``ECMARegexProgram``).
///
/// Swift's `Regex` is not used: built from a string at run time it lowers its program lazily
/// and traps (`try!`) on some patterns it accepted, it lacks lookbehind, and it has no way
/// to bound the work a pathological pattern does.
struct SchemaRegex: Sendable {
    /// The pattern as written in the schema (for messages).
    let source: String
    private let program: ECMARegexProgram

    /// Extra budget per input scalar, so that long strings searched in linear time (a PEM
    /// certificate against an unanchored pattern) are never cut short.
    static let stepsPerScalar = 64

    init(_ pattern: String) throws(SchemaRegexError) {
        source = pattern
        program = try ECMARegexProgram(ECMARegexParser.parse(pattern))
    }

    /// Whether the pattern matches anywhere in `string`; nil if it gave up (catastrophic
    /// backtracking) after `maximumSteps` plus ``stepsPerScalar`` per scalar of `string`.
    func matches(_ string: String, maximumSteps: Int = JSONSchema.defaultMaximumPatternSteps) -> Bool? {
        let input = string.unicodeScalars.map(\.value)
        let budget = maximumSteps + Self.stepsPerScalar * input.count
        var matcher = ECMARegexMatcher(program: program, input: input, budget: budget)
        if matcher.search() { return true }
        return matcher.exhausted ? nil : false
    }
}
