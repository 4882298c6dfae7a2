import Testing
@testable import Actors

@Suite struct VersionRangeTests {
    func range(_ text: String) throws -> VersionRange {
        try #require(VersionRange(parsing: text), "\(text) should parse")
    }

    func version(_ text: String) throws -> SemanticVersion {
        try #require(SemanticVersion(parsing: text))
    }

    // npm's semver desugaring: (range, satisfied, not satisfied).
    @Test(arguments: [
        ("^0.5.0", ["0.5.0", "0.5.9"], ["0.4.9", "0.6.0", "1.0.0"]),
        ("^1.2.3", ["1.2.3", "1.9.0"], ["1.2.2", "2.0.0"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4", "0.1.0"]),
        ("^0", ["0.0.0", "0.9.9"], ["1.0.0"]),
        ("~0.5.2", ["0.5.2", "0.5.7"], ["0.5.1", "0.6.0"]),
        ("~1", ["1.0.0", "1.9.9"], ["2.0.0"]),
        ("0.6.x", ["0.6.0", "0.6.12"], ["0.7.0", "0.5.9"]),
        (">=0.5.0 <0.7.0", ["0.5.0", "0.6.1"], ["0.7.0", "0.4.0"]),
        ("> 0.5.0", ["0.5.1"], ["0.5.0"]),
        ("<=0.6", ["0.6.5"], ["0.7.0"]),
        ("0.5.0 - 0.6", ["0.5.0", "0.6.9"], ["0.7.0", "0.4.9"]),
        ("1.0.0 || ^0.6.0", ["1.0.0", "0.6.1"], ["1.0.1", "0.5.0"]),
        ("*", ["0.0.1", "9.9.9"], []),
        ("", ["0.6.1"], []),
        ("=0.6.1", ["0.6.1"], ["0.6.2"]),
        ("v0.6.1", ["0.6.1"], ["0.6.0"]),
        ("<*", [], ["0.0.0", "1.0.0"]),
    ])
    func satisfies(text: String, yes: [String], no: [String]) throws {
        let parsed = try range(text)
        for item in yes { #expect(parsed.isSatisfied(by: try version(item)), "\(item) in \(text)") }
        for item in no { #expect(!parsed.isSatisfied(by: try version(item)), "\(item) not in \(text)") }
    }

    @Test func intersections() throws {
        let implements = try range("^0.5.0 || ^0.6.0")
        #expect(try range("^0.5.0").intersects(implements))
        #expect(try range(">=0.3.0 <0.5.5").intersects(implements))
        #expect(try range("~0.6.4").intersects(implements))
        #expect(!(try range("^0.4.0").intersects(implements)))
        #expect(!(try range("^1.0.0").intersects(implements)))
        #expect(!(try range(">=0.7.0").intersects(implements)))
        // touching ends: an exclusive bound shares nothing
        #expect(!(try range("<0.5.0").intersects(implements)))
        #expect(try range("<=0.5.0").intersects(implements))
    }

    @Test(arguments: ["next", "latest", "github:acme/sdk", "https://x/y.tgz", "file:../sdk", "1.x.2", "^a.b"])
    func notRanges(text: String) {
        #expect(VersionRange(parsing: text) == nil)
    }

    @Test func versionOrder() throws {
        #expect(try version("0.6.1-rc.1") < version("0.6.1"))
        #expect(try version("0.6.1-alpha") < version("0.6.1-beta"))
        #expect(try version("0.6.1-2") < version("0.6.1-10"))
        #expect(try version("0.10.0") > version("0.9.9"))
        #expect(SemanticVersion(parsing: "1.2") == nil)
    }
}
