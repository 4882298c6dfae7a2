import Runtime
/// A semantic version `major.minor.patch[-prerelease]` (build metadata dropped), ordered as
/// semver orders versions: a prerelease sorts before its release.
///
/// Only as much of semver as the daemon needs to decide whether the SDK it ships can stand
/// in for the one a package asks for (``VersionRange``); npm itself resolves everything else.
struct SemanticVersion: Comparable, Sendable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int
    /// Dot-separated prerelease identifiers (`["rc", "1"]`); empty for a release.
    var prerelease: [String] = []

    init(_ major: Int, _ minor: Int, _ patch: Int, prerelease: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    /// Parses `1.2.3`, `v1.2.3`, `1.2.3-rc.1+build`; nil for anything else.
    init?(parsing text: String) {
        var rest = Substring(text.trimmingASCIIWhitespace())
        if rest.first == "v" || rest.first == "=" { rest = rest.dropFirst() }
        if let plus = rest.firstIndex(of: "+") { rest = rest[..<plus] }
        var pre: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            pre = rest[rest.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !pre.isEmpty, pre.allSatisfy({ !$0.isEmpty }) else { return nil }
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let major = Self.number(parts[0]), let minor = Self.number(parts[1]), let patch = Self.number(parts[2]) else {
            return nil
        }
        self.init(major, minor, patch, prerelease: pre)
    }

    static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.joined(separator: "."))
    }

    static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        // A release sorts after all of its prereleases.
        if lhs.prerelease.isEmpty || rhs.prerelease.isEmpty { return !lhs.prerelease.isEmpty && rhs.prerelease.isEmpty }
        for (a, b) in zip(lhs.prerelease, rhs.prerelease) where a != b {
            switch (Int(a), Int(b)) {
            case let (x?, y?): return x < y
            case (_?, nil): return true  // numeric identifiers sort before alphanumeric ones
            case (nil, _?): return false
            case (nil, nil): return a < b
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }
}
