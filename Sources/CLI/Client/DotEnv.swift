import Runtime

/// `KEY=value` lines of a `.env` file (optional `export `, optional single or double quotes, `#` comments).
enum DotEnv {
    static func value(of key: String, in text: String) -> String? {
        var found: String?
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = rawLine.trimmingASCIIWhitespace()
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingASCIIWhitespace() }
            guard let eq = line.firstIndex(of: "="), line[..<eq].trimmingASCIIWhitespace() == key else { continue }
            found = unquote(line[line.index(after: eq)...].trimmingASCIIWhitespace())
        }
        return found
    }

    static func unquote(_ value: String) -> String {
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}

/// Top-level `key: value` scalars of a YAML mapping — all the CLI reads from `.octobus.yml`.
enum SimpleYAML {
    static func topLevelScalar(_ key: String, in text: String) -> String? {
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard let first = rawLine.first, first != " ", first != "\t", first != "#" else { continue }
            guard let colon = rawLine.firstIndex(of: ":") else { continue }
            var name = rawLine[..<colon].trimmingASCIIWhitespace()
            name = DotEnv.unquote(name)
            guard name == key else { continue }
            var value = rawLine[rawLine.index(after: colon)...].trimmingASCIIWhitespace()
            if !value.hasPrefix("\"") && !value.hasPrefix("'"), let hash = value.firstRange(of: " #") {
                value = String(value[..<hash.lowerBound]).trimmingASCIIWhitespace()
            }
            return DotEnv.unquote(value)
        }
        return nil
    }
}
