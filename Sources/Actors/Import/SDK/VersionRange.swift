/// An npm version range (`^0.5.0`, `~1.2`, `>=1 <2 || 3.x`, `1.0.0 - 1.4`, `*`), read as npm's
/// `semver` reads it: a union of comparator sets, each of which is one interval of versions.
///
/// The daemon uses it for one question: may the SDK it ships stand in for the SDK version
/// range a package declares (``SDKRule``)? Intervals answer both "does this version satisfy
/// the range" and "do two ranges share a version" without enumerating versions. npm's rule
/// that a prerelease only matches comparators of its own `major.minor.patch` is not modelled:
/// the ranges compared here are release ranges.
struct VersionRange: Sendable, CustomStringConvertible {
    struct Bound: Sendable, Equatable {
        var version: SemanticVersion
        var inclusive: Bool
    }

    /// Versions between `lower` and `upper`; a nil bound is open.
    struct Interval: Sendable, Equatable {
        var lower: Bound?
        var upper: Bound?

        /// The empty interval (npm's `<*`, `>*`).
        static let nothing = Interval(lower: Bound(version: SemanticVersion(0, 0, 0), inclusive: false),
                                      upper: Bound(version: SemanticVersion(0, 0, 0), inclusive: false))

        func contains(_ version: SemanticVersion) -> Bool {
            if let lower, version < lower.version || (version == lower.version && !lower.inclusive) { return false }
            if let upper, version > upper.version || (version == upper.version && !upper.inclusive) { return false }
            return true
        }

        var isEmpty: Bool {
            guard let lower, let upper else { return false }
            return lower.version > upper.version || (lower.version == upper.version && !(lower.inclusive && upper.inclusive))
        }

        func intersection(_ other: Interval) -> Interval {
            Interval(lower: Self.tighter(lower, other.lower, preferHigher: true), upper: Self.tighter(upper, other.upper, preferHigher: false))
        }

        private static func tighter(_ a: Bound?, _ b: Bound?, preferHigher: Bool) -> Bound? {
            guard let a else { return b }
            guard let b else { return a }
            if a.version == b.version { return Bound(version: a.version, inclusive: a.inclusive && b.inclusive) }
            return (a.version > b.version) == preferHigher ? a : b
        }
    }

    let text: String
    let intervals: [Interval]

    var description: String { text }

    /// Parses an npm range; nil when `text` is not one (a dist-tag such as `next`, a URL, a path).
    init?(parsing text: String) {
        self.text = text
        var intervals: [Interval] = []
        for alternative in text.split(separator: "||", omittingEmptySubsequences: false) {
            guard let interval = Self.parseSet(String(alternative)) else { return nil }
            if !interval.isEmpty { intervals.append(interval) }
        }
        self.intervals = intervals
    }

    func isSatisfied(by version: SemanticVersion) -> Bool {
        intervals.contains { $0.contains(version) }
    }

    /// Whether some version satisfies both ranges.
    func intersects(_ other: VersionRange) -> Bool {
        intervals.contains { mine in other.intervals.contains { !mine.intersection($0).isEmpty } }
    }

    // MARK: Parsing

    /// A version with missing parts (`1`, `1.2`, `1.x`, `*`): the numbers given, nil for wildcards.
    private struct Partial {
        var major: Int?
        var minor: Int?
        var patch: Int?
        var prerelease: [String] = []

        init?(_ text: Substring) {
            var rest = text
            if rest.first == "v" || rest.first == "=" { rest = rest.dropFirst() }
            if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
            if let dash = rest.firstIndex(of: "-") {
                prerelease = rest[rest.index(after: dash)...].split(separator: ".").map(String.init)
                rest = rest[..<dash]
            }
            let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(parts.count) else { return nil }
            var numbers: [Int?] = []
            var wildcard = false
            for part in parts {
                if part == "x" || part == "X" || part == "*" {
                    wildcard = true
                    numbers.append(nil)
                } else {
                    // A number after a wildcard (`1.x.3`) is not a version.
                    guard !wildcard, let number = SemanticVersion.number(part) else { return nil }
                    numbers.append(number)
                }
            }
            while numbers.count < 3 { numbers.append(nil) }
            (major, minor, patch) = (numbers[0], numbers[1], numbers[2])
        }

        var isFull: Bool { patch != nil }

        /// The version with wildcards as 0.
        var floor: SemanticVersion { SemanticVersion(major ?? 0, minor ?? 0, patch ?? 0, prerelease: isFull ? prerelease : []) }

        /// The first version past what the partial covers (`1.2` → `1.3.0`), nil when unbounded.
        var ceiling: SemanticVersion? {
            guard let major else { return nil }
            guard let minor else { return SemanticVersion(major + 1, 0, 0) }
            guard patch != nil else { return SemanticVersion(major, minor + 1, 0) }
            return nil
        }

        /// Every version the partial covers (`1.2` = `>=1.2.0 <1.3.0`; a full version = itself).
        var covered: Interval {
            if isFull { return Interval(lower: Bound(version: floor, inclusive: true), upper: Bound(version: floor, inclusive: true)) }
            guard major != nil else { return Interval() }
            return Interval(lower: Bound(version: floor, inclusive: true), upper: ceiling.map { Bound(version: $0, inclusive: false) })
        }
    }

    /// One comparator set (space-separated comparators, or a hyphen range) as an interval.
    private static func parseSet(_ text: String) -> Interval? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if tokens.count == 3, tokens[1] == "-" {
            guard let low = Partial(Substring(tokens[0])), let high = Partial(Substring(tokens[2])) else { return nil }
            let upper: Bound? = high.isFull ? Bound(version: high.floor, inclusive: true) : high.ceiling.map { Bound(version: $0, inclusive: false) }
            return Interval(lower: low.major == nil ? nil : Bound(version: low.floor, inclusive: true), upper: upper)
        }
        // `>= 1.2.3`: an operator standing alone applies to the next token.
        var merged: [String] = []
        while !tokens.isEmpty {
            let token = tokens.removeFirst()
            if ["<", ">", "<=", ">=", "=", "~", "^", "~>"].contains(token), !tokens.isEmpty {
                merged.append(token + tokens.removeFirst())
            } else {
                merged.append(token)
            }
        }
        var interval = Interval()
        for comparator in merged {
            guard let next = parseComparator(comparator) else { return nil }
            interval = interval.intersection(next)
        }
        return interval
    }

    private static func parseComparator(_ text: String) -> Interval? {
        for op in [">=", "<=", "~>", ">", "<", "=", "~", "^"] where text.hasPrefix(op) {
            guard let partial = Partial(text.dropFirst(op.count)) else { return nil }
            return apply(op, partial)
        }
        guard let partial = Partial(Substring(text)) else { return nil }
        return partial.covered
    }

    private static func apply(_ op: String, _ p: Partial) -> Interval {
        let floor = Bound(version: p.floor, inclusive: true)
        let ceiling = p.ceiling.map { Bound(version: $0, inclusive: false) }
        switch op {
        case "=":
            return p.covered
        case ">=":
            return Interval(lower: p.major == nil ? nil : floor)
        case ">":
            guard p.major != nil else { return .nothing }  // `>*` matches no version
            return Interval(lower: p.isFull ? Bound(version: p.floor, inclusive: false) : ceiling.map { Bound(version: $0.version, inclusive: true) })
        case "<":
            guard p.major != nil else { return .nothing }  // `<*` matches no version
            return Interval(upper: Bound(version: p.floor, inclusive: false))
        case "<=":
            return Interval(upper: p.isFull ? Bound(version: p.floor, inclusive: true) : ceiling)
        case "~", "~>":
            guard let major = p.major else { return Interval() }
            let upper = p.minor.map { SemanticVersion(major, $0 + 1, 0) } ?? SemanticVersion(major + 1, 0, 0)
            return Interval(lower: floor, upper: Bound(version: upper, inclusive: false))
        default:  // "^": changes that do not modify the left-most non-zero part
            guard let major = p.major else { return Interval() }
            let upper: SemanticVersion
            if major > 0 || p.minor == nil {
                upper = SemanticVersion(major + 1, 0, 0)
            } else if let minor = p.minor, minor > 0 || p.patch == nil {
                upper = SemanticVersion(0, minor + 1, 0)
            } else {
                upper = SemanticVersion(0, 0, (p.patch ?? 0) + 1)
            }
            return Interval(lower: floor, upper: Bound(version: upper, inclusive: false))
        }
    }
}
