import Runtime

/// Parses the quantities `serve` options take: byte sizes (`512K`, `64M`, `2G`, plain bytes)
/// and durations (`500ms`, `30s`, `2m`, plain seconds).
enum Quantity {
    static func bytes(_ text: String, option: String) throws -> Int {
        let lower = text.lowercased().trimmingASCIIWhitespace()
        let units: [(String, Int)] = [("kib", 1 << 10), ("mib", 1 << 20), ("gib", 1 << 30), ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("b", 1)]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            if let value = Int(lower.dropLast(suffix.count)), value >= 0, value <= Int.max / factor { return value * factor }
            throw CLIError("invalid \(option) \"\(text)\": expected a size such as 65536, 512K, 64M or 2G")
        }
        guard let value = Int(lower), value >= 0 else {
            throw CLIError("invalid \(option) \"\(text)\": expected a size such as 65536, 512K, 64M or 2G")
        }
        return value
    }

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
