/// Byte counts as people write and read them: `512M`, `2G`, `1.5 GiB`.
public enum ByteSize {
    /// Parses a non-negative byte count: digits with an optional binary suffix `K`, `M`, `G` or
    /// `T` (powers of 1024), optionally followed by `i`/`iB`/`B` (`512M`, `2GiB`, `100KB`), or
    /// a bare `B`. Case-insensitive. Nil when malformed or beyond `Int`.
    public static func parse(_ text: String) -> Int? {
        var digits = Substring(text.trimmingASCIIWhitespace())
        var unit = ""
        while let last = digits.last, !last.isASCII || !last.isNumber {
            unit = String(last).uppercased() + unit
            digits = digits.dropLast()
        }
        unit = unit.trimmingASCIIWhitespace()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits) else { return nil }
        let shift: Int
        switch unit {
        case "", "B": shift = 0
        case "K", "KB", "KI", "KIB": shift = 10
        case "M", "MB", "MI", "MIB": shift = 20
        case "G", "GB", "GI", "GIB": shift = 30
        case "T", "TB", "TI", "TIB": shift = 40
        default: return nil
        }
        let (result, overflow) = value.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : result
    }

    /// `1.5 GiB`, `512 MiB`, `900 KiB`, `17 bytes`: one decimal, largest unit that fits.
    public static func describe(_ count: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        guard count >= 1024 else { return count == 1 ? "1 byte" : "\(count) bytes" }
        var unit = -1
        var scaled = Double(count)
        while scaled >= 1024, unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        let tenths = Int((scaled * 10).rounded())
        let text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
        return "\(text) \(units[unit])"
    }
}
