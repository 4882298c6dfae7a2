/// Bounds that keep compiling and validating safe on hostile schemas and instances. The
/// stack figures were measured on x86-64 (release ≈ 1 KiB per nested subschema
/// evaluation, debug ≈ 4 KiB); our threads have 8 MiB stacks.
extension JSONSchema {
    /// Instances nested deeper than this are reported ("instance nesting too deep") instead of
    /// descended into: twice ``JSONParser/defaultMaximumDepth``, so only values built in code
    /// reach it. A recursive schema evaluating `$ref`, `allOf` and `anyOf` at every level uses
    /// about 1 MiB of stack at this depth in a release build.
    public static let defaultMaximumInstanceDepth = 256

    /// Subschema evaluations nested at once, in-place ones (`$ref`, `allOf`, …) included:
    /// about 1 MiB of stack in release builds. `$ref` loops that never descend are rejected at
    /// compile time; this bounds what remains, such as very long `$ref` chains.
    public static let defaultMaximumEvaluationDepth = 1024

    /// Violations collected by ``validate(_:limit:)`` when no limit is given.
    public static let defaultMaximumViolations = 50

    /// Matching steps one `pattern` may take on one string (about 10 ms), plus 64 per character
    /// of the string, before giving up with a violation: bounds catastrophic backtracking such
    /// as `^(a+)+$` on `aaaa…!` while linear searches of long strings always finish.
    public static let defaultMaximumPatternSteps = 1_000_000

    /// Instructions in one compiled pattern once quantifiers are unrolled
    /// (`(a|b){1,100000}` is rejected).
    static let defaultMaximumPatternInstructions = 50_000

    /// Group nesting in one pattern (the pattern parser recurses per group).
    static let defaultMaximumPatternNesting = 200

    /// Subschema nesting in a schema document (the identifier walk recurses per level).
    static let defaultMaximumSchemaDepth = 512

    /// Digit operations for one exact `multipleOf` test (about a millisecond); beyond it the
    /// test falls back to `Double` (e.g. `1e100000` against a 30-digit divisor).
    static let defaultMaximumMultipleOfWork = 1_000_000
}
