import Testing
@testable import Actors
@testable import Protocols
import Runtime

@Suite struct ImportSourceTests {
    func classify(_ source: String, dirs: Set<String> = [], files: Set<String> = [], special: [String: FileKind] = [:]) throws -> ImportSource {
        try ImportSource.classify(source) { path in
            dirs.contains(path) ? .directory : files.contains(path) ? .regularFile : special[path]
        }
    }

    @Test func classifiesInSpecOrder() throws {
        #expect(try classify("npm:@scope/pkg@1.0.0") == .npm(spec: "@scope/pkg@1.0.0"))
        #expect(try classify("https://example.com/pkg.tgz") == .remoteArchive(url: "https://example.com/pkg.tgz", isZip: false))
        #expect(try classify("http://example.com/a/pkg.tar.gz?x=1") == .remoteArchive(url: "http://example.com/a/pkg.tar.gz?x=1", isZip: false))
        #expect(try classify("https://example.com/pkg.ZIP") == .remoteArchive(url: "https://example.com/pkg.ZIP", isZip: true))
        guard case .git(let git) = try classify("https://github.com/acme/tentacle.git//Hanqing_Ticket@v1.0.0") else {
            Issue.record("expected git")
            return
        }
        #expect(git.remote == "https://github.com/acme/tentacle.git")
        #expect(git.subdir == "Hanqing_Ticket")
        #expect(git.ref == "v1.0.0")
        #expect(try classify("/pkg", dirs: ["/pkg"]) == .localDirectory(path: "/pkg"))
        #expect(try classify("/pkg.tgz", files: ["/pkg.tgz"]) == .localFile(path: "/pkg.tgz"))
    }

    @Test(arguments: ["http://example.com/repo.git", "ssh://git@example.com/repo.git", "git://example.com/repo", "git+ssh://x/y"])
    func rejectsNonHTTPSGit(source: String) {
        #expect {
            _ = try classify(source)
        } throws: { ($0 as? ImportError)?.message.contains("only https:// Git remotes are supported") == true }
    }

    // Refused from the stat alone: nothing may open a FIFO (it would block) or a device.
    @Test(arguments: [FileKind.fifo, .socket, .characterDevice, .blockDevice])
    func rejectsSpecialFilesAsSources(kind: FileKind) {
        #expect {
            _ = try classify("/src/special", special: ["/src/special": kind])
        } throws: {
            ($0 as? ImportError)?.message
                == "source \"/src/special\" is \(kind): only regular files (archives) and directories can be imported"
        }
        #expect {
            _ = try classify("npm:/src/special", special: ["/src/special": kind])
        } throws: { ($0 as? ImportError)?.message.contains("only regular files (archives) and directories") == true }
        #expect { _ = try classify("npm:file:/src/special", special: ["/src/special": kind]) } throws: { $0 is ImportError }
    }

    @Test func rejectsMissingSources() {
        #expect { _ = try classify("/nope") } throws: { ($0 as? ImportError)?.message == "source \"/nope\" does not exist" }
    }

    @Test func splitsServiceDirOnlyForLocalAndNpmSources() throws {
        #expect(try ImportSource.splitServiceDir("npm:@s/p@1.0.0//Hanqing") == ("npm:@s/p@1.0.0", "Hanqing"))
        #expect(try ImportSource.splitServiceDir("/pkg//services/a/") == ("/pkg", "services/a"))
        #expect(try ImportSource.splitServiceDir("/pkg") == ("/pkg", "."))
        #expect(try ImportSource.splitServiceDir("https://h/x.tgz") == ("https://h/x.tgz", "."))
        #expect(throws: ImportError.self) { try ImportSource.splitServiceDir("/pkg//../etc") }
        #expect(throws: ImportError.self) { try ImportSource.splitServiceDir("/pkg///abs") }
    }

    @Test func parsesGitCredentialsAndRedactsThem() throws {
        let git = try GitSource(parsing: "https://bob:s%40cret@git.example.com/team/repo.git//svc@feature/x")
        #expect(git.username == "bob")
        #expect(git.password == "s@cret")
        #expect(git.remote == "https://git.example.com/team/repo.git")
        #expect(git.ref == "feature/x")
        #expect(git.displaySource == "https://bob:******@git.example.com/team/repo.git//svc@feature/x")
        let token = try GitSource(parsing: "https://tok3n@git.example.com/repo")
        #expect(token.displaySource == "https://******@git.example.com/repo")
        #expect(try GitSource(parsing: "https://h/repo@latest").ref == nil)
        #expect(throws: ImportError.self) { try GitSource(parsing: "https://h/repo?x=1") }
        #expect(throws: ImportError.self) { try GitSource(parsing: "https://h/repo#frag") }
    }

    @Test func picksTheHighestSemverTag() {
        #expect(GitFetcher.highestSemverTag(["v1.2.0", "v1.10.0", "v1.9.9", "v2.0.0-rc1", "v01.0.0", "release"]) == "v1.10.0")
        #expect(GitFetcher.highestSemverTag(["nope"]) == nil)
    }

    @Test func redactsURLsInText() {
        #expect(RedactedURL.redact("fatal: https://u:p@h/x failed") == "fatal: https://u:******@h/x failed")
        #expect(RedactedURL.redact("see https://tok@h/x") == "see https://******@h/x")
        // The authority ends at a query or fragment: an `@` there is not userinfo.
        #expect(RedactedURL.redact("https://u:p@h?next=a@b") == "https://u:******@h?next=a@b")
        #expect(RedactedURL.redact("'https://tok@h'") == "'https://******@h'")
        #expect(PackageFetcher.storedURL("https://u:p@h/a/pkg.tgz?sig=1#x") == "https://h/a/pkg.tgz")
    }

    @Test func validatesPackagePaths() throws {
        #expect(try PackagePath.validate("proto/./a.proto", what: "proto file") == "proto/a.proto")
        for bad in ["", "  ", "/abs", "..", "a/../../b", "."] {
            #expect(throws: ImportError.self) { try PackagePath.validate(bad, what: "x") }
        }
    }
}

@Suite struct ServiceManifestTests {
    func parse(_ text: String) throws -> ServiceManifest {
        try ServiceManifest.parse(try JSONParser.parse(text))
    }

    let valid = #"{"schema":"chaitin.octobus.service.v1","name":"calculator","proto":{"roots":["proto"],"files":["proto/c.proto"]}}"#

    @Test func acceptsAMinimalManifest() throws {
        let manifest = try parse(valid)
        #expect(manifest.name == "calculator")
        #expect(manifest.runtimeMode == .longRunning)
        #expect(manifest.protoFiles == ["proto/c.proto"])
    }

    @Test(arguments: [
        (#"{"runtime":{"mode":"on-demand"}}"#, RuntimeMode.onDemand),
        (#"{"runtime":null}"#, .longRunning), (#"{"runtime":{}}"#, .longRunning), (#"{"runtime":{"mode":""}}"#, .longRunning),
    ])
    func readsRuntimeModes(extra: String, mode: RuntimeMode) throws {
        var object = try JSONParser.parse(valid).objectValue!
        for (key, value) in try JSONParser.parse(extra).objectValue! { object[key] = value }
        #expect(try ServiceManifest.parse(.object(object)).runtimeMode == mode)
    }

    @Test(arguments: [
        (#"{"name":"x","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "schema is required"),
        (#"{"schema":"v2","name":"x","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "schema must be"),
        (#"{"schema":"chaitin.octobus.service.v1","id":"x","name":"x","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "must not define id"),
        (#"{"schema":"chaitin.octobus.service.v1","entry":"bin/x.js","name":"x","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "service manifest must not define entry; use package.json bin"),
        (#"{"schema":"chaitin.octobus.service.v1","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "name is required"),
        (#"{"schema":"chaitin.octobus.service.v1","name":"x","runtime":{"mode":"sometimes"},"proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "invalid runtime.mode \"sometimes\": must be long-running or on-demand"),
        (#"{"schema":"chaitin.octobus.service.v1","name":"x","proto":{"roots":[],"files":["p/a.proto"]}}"#, "proto.roots must be a non-empty array"),
        (#"{"schema":"chaitin.octobus.service.v1","name":"x","proto":{"roots":["p"],"files":["../a.proto"]}}"#, "must not contain \"..\""),
        (#"{"schema":"chaitin.octobus.service.v1","name":"x","configSchema":"/etc/passwd","proto":{"roots":["p"],"files":["p/a.proto"]}}"#, "must be a relative path"),
    ])
    func rejectsInvalidManifests(text: String, expected: String) {
        #expect {
            _ = try parse(text)
        } throws: { ($0 as? ImportError)?.message.contains(expected) == true }
    }
}
