import Runtime

/// Parses the durations `serve` options take (`500ms`, `30s`, `2m`, plain seconds); sizes use
/// ``ByteSize``.
enum DurationText {
    static func milliseconds(_ text: String, option: String) throws -> UInt64 {
        let lower = text.lowercased().trimmingASCIIWhitespace()
        let units: [(String, Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000)]
        var number = Substring(lower)
        var factor = 1_000.0
        for (suffix, unitFactor) in units where lower.hasSuffix(suffix) {
            number = lower.dropLast(suffix.count)
            factor = unitFactor
            break
        }
        guard let value = Double(number), value > 0, value * factor <= 86_400_000 else {
            throw CLIError("invalid \(option) \"\(text)\": expected a duration such as 500ms, 30s or 2m (at most 24 h)")
        }
        return UInt64(value * factor)
    }
}
