/// Number formatting for reports, without Foundation (the daemon's binary avoids it).
public enum BenchFormat {
    /// `value` with exactly `digits` decimals (`1.50`), rounded half away from zero.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "n/a" : (value < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let whole = UInt64(scaled)
        let integer = whole / UInt64(scale)
        var text = (value < 0 && whole > 0 ? "-" : "") + String(integer)
        if digits > 0 {
            var fraction = String(whole % UInt64(scale))
            while fraction.count < digits { fraction = "0" + fraction }
            text += "." + fraction
        }
        return text
    }

    /// An integer with thousands separators (`1,234,567`).
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// A rate with one decimal and separators (`12,345.6`).
    public static func rate(_ value: Double) -> String {
        let text = fixed(value, 1)
        guard let dot = text.firstIndex(of: "."), let whole = Int(text[..<dot]) else { return text }
        return grouped(whole) + text[dot...]
    }

    /// A byte count in B, kB, MB or GB (decimal units, as network rates are given).
    public static func bytes(_ value: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var scaled = value
        var unit = 0
        while scaled >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return (unit == 0 ? String(Int(scaled)) : fixed(scaled, scaled < 10 ? 2 : 1)) + " " + units[unit]
    }

    /// Milliseconds with three decimals (microsecond resolution, as recorded).
    public static func milliseconds(_ value: Double) -> String {
        fixed(value, 3) + " ms"
    }

    /// A duration in seconds, shortest natural form (`10s`, `1.5s`, `250ms`).
    public static func duration(nanoseconds: UInt64) -> String {
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        if nanoseconds < 1_000_000_000 { return fixed(Double(nanoseconds) / 1e6, nanoseconds % 1_000_000 == 0 ? 0 : 3) + "ms" }
        return fixed(Double(nanoseconds) / 1e9, 3) + "s"
    }
}
