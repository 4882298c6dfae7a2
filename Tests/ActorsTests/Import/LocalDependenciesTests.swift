import Glibc
import Testing
@testable import Actors
@testable import Protocols
@testable import Runtime

/// The local-path dependency rule (docs/behaviour.md), on real directories: a package
/// source, its staged copy, an SDK, and a directory outside all of them.
@Suite struct LocalDependenciesTests {
    let base = FileSystem.realPath(temporaryDirectory())!
    var source: String { base + "/src" }
    var staged: String { base + "/staging/source" }
    var sdk: String { base + "/octobus/sdk" }
    var outside: String { base + "/outside" }

    init() throws {
        for dir in [base + "/src/deps/helper", base + "/staging/source/deps/helper", base + "/octobus/sdk", base + "/outside"] {
            try FileSystem.createDirectories(dir, mode: 0o755)
        }
        try FileSystem.writeFile(base + "/octobus/sdk/package.json", Array(#"{"name":"@chaitin-ai/octobus-sdk"}"#.utf8))
        symlink(base + "/outside", base + "/staging/source/escape")
        symlink("deps/helper", base + "/staging/source/inner")
    }

    var rule: LocalDependencies {
        LocalDependencies(source: DependencySource(root: source, stagedCopy: staged), sdk: sdk)
    }

    func resolve(_ dependencies: [String: String], section: String = "dependencies") throws -> [LocalDependencies.Resolved] {
        try rule.resolve([section: .object(JSONObject(dependencies.map { ($0.key, JSONValue.string($0.value)) }))])
    }

    func refusal(_ spec: String) -> String? {
        do {
            _ = try resolve(["evil": spec])
            return nil
        } catch {
            return (error as? ImportError)?.message
        }
    }

    @Test func recognisesTheSpecsNpmReadsAsLocalPaths() {
        for spec in ["file:x", "file:///abs", "/abs", "./x", "../x", ".", "~/x", "C:\\x"] {
            #expect(LocalDependencies.localPath(of: spec) != nil, "\(spec)")
        }
        for spec in ["1.2.3", "^1.0.0", "latest", "npm:other@1", "https://host/x.tgz", "git+https://host/x.git", "user/repo"] {
            #expect(LocalDependencies.localPath(of: spec) == nil, "\(spec)")
        }
    }

    // Inside the package: installed from the staged copy, at an absolute path.
    @Test func installsDependenciesInsideThePackageFromTheStagedCopy() throws {
        let resolved = try resolve(["helper": "file:./deps/helper", "same": "deps/../deps/helper", "linked": "file:inner",
                                    "registry": "^1.0.0"])
        #expect(resolved.map(\.name) == ["helper", "linked"])
        #expect(resolved.map(\.path) == [staged + "/deps/helper", staged + "/inner"])
        #expect(try resolve(["abs": "file:" + source + "/deps/helper"]).map(\.path) == [staged + "/deps/helper"])
    }

    @Test func acceptsExactlyTheBundledSDKOutsideThePackage() throws {
        #expect(try resolve(["sdk": "file:../octobus/sdk"]).map(\.path) == [sdk])
        #expect(try resolve(["sdk": sdk], section: "devDependencies").map(\.path) == [sdk])
        #expect(refusal("file:../octobus") != nil)
        #expect(refusal("file:../octobus/sdk/../..") != nil)
    }

    @Test func refusesEverythingElseOutsideThePackage() {
        #expect(refusal("file:/etc") == "local dependency \"evil\" (file:/etc) points outside the package (to /etc): "
                + "only paths inside the package and the OctoBus SDK (\(sdk)) may be local dependencies")
        #expect(refusal("/etc")?.contains("points outside the package (to /etc)") == true)
        #expect(refusal("file:../outside")?.contains("points outside the package (to \(outside))") == true)
        #expect(refusal("../../../../../../../../home/user/.ssh")?.contains("points outside the package (to /home/user/.ssh)") == true)
        #expect(refusal("file:escape")?.contains("leads outside the package through a symbolic link (to \(outside))") == true)
        #expect(refusal("~/.ssh")?.contains("paths in a home directory are not allowed") == true)
        #expect(refusal("git+file:///srv/repo.git")?.contains("git+file: dependencies are not allowed") == true)
    }

    @Test func checksEverySectionAndTheDependenciesOfLocalDependencies() throws {
        for section in LocalDependencies.sections {
            #expect(throws: ImportError.self) { _ = try resolve(["evil": "/etc"], section: section) }
        }
        try FileSystem.writeFile(staged + "/deps/helper/package.json",
                                 Array(#"{"name":"helper","dependencies":{"sneaky":"file:../../../outside"}}"#.utf8))
        #expect {
            _ = try resolve(["helper": "file:./deps/helper"])
        } throws: { ($0 as? ImportError)?.message.hasPrefix("local dependency \"sneaky\" (file:../../../outside) points outside") == true }
        // Relative to the helper's own directory: ../.. is the package root, still inside.
        try FileSystem.writeFile(staged + "/deps/helper/package.json",
                                 Array(#"{"name":"helper","dependencies":{"root":"file:../.."}}"#.utf8))
        #expect(try resolve(["helper": "file:./deps/helper"]).map(\.name) == ["helper"])
    }

    @Test func withoutAnSDKOnlyThePackageIsAllowed() {
        let rule = LocalDependencies(source: DependencySource(root: source, stagedCopy: nil), sdk: nil)
        #expect {
            _ = try rule.resolve(["dependencies": .object(["sdk": .string("file:../octobus/sdk")])])
        } throws: {
            ($0 as? ImportError)?.message.hasSuffix("points outside the package (to \(sdk)): only paths inside the package may be local dependencies") == true
        }
    }
}

@Suite struct BundledSDKTests {
    let base = FileSystem.realPath(temporaryDirectory())!

    func makeSDK(_ directory: String, name: String = BundledSDK.packageName) throws {
        try FileSystem.createDirectories(directory, mode: 0o755)
        try FileSystem.writeFile(directory + "/package.json", Array(#"{"name":"\#(name)"}"#.utf8))
    }

    // A source checkout: .build/<triple>/release/octobus finds <checkout>/sdk.
    @Test func findsTheSDKOfASourceCheckout() throws {
        try makeSDK(base + "/checkout/sdk")
        let binary = base + "/checkout/.build/x86_64-unknown-linux-gnu/release/octobus"
        #expect(BundledSDK.locate(environment: [:], executable: binary) == base + "/checkout/sdk")
    }

    @Test func findsAnInstalledSDKAndIgnoresLookalikes() throws {
        try makeSDK(base + "/usr/bin/sdk", name: "not-the-sdk")
        try makeSDK(base + "/usr/share/octobus/sdk")
        #expect(BundledSDK.locate(environment: [:], executable: base + "/usr/bin/octobus") == base + "/usr/share/octobus/sdk")
        #expect(BundledSDK.locate(environment: [:], executable: base + "/elsewhere/octobus") == nil)
    }

    @Test func theEnvironmentNamesItExplicitly() throws {
        try makeSDK(base + "/custom")
        #expect(BundledSDK.locate(environment: ["OCTOBUS_SDK_DIR": base + "/custom"], executable: nil) == base + "/custom")
        #expect(BundledSDK.locate(environment: ["OCTOBUS_SDK_DIR": base + "/missing"], executable: nil) == nil)
    }
}
