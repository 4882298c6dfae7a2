import Glibc
import Protocols
import Runtime

/// Fetches an HTTPS Git source at a ref into the staging directory (SPEC §3.1).
/// Credentials from the URL reach git only through an askpass helper and environment
/// variables — never argv, the stored remote URL, logs or messages.
struct GitFetcher {
    let environment: ImportEnvironment
    let staging: String

    func fetch(_ source: GitSource) async throws(ImportError) -> PackageFetcher.Fetched {
        let gitDir = staging + "/git"
        try await environment.blocking("prepare git directory") { try FileSystem.createDirectories(gitDir, mode: 0o700) }
        var extra: [String: String] = ["GIT_TERMINAL_PROMPT": "0"]
        var configArguments: [String] = []
        if let username = source.username {
            let askpass = staging + "/git-askpass.sh"
            let script = """
                #!/bin/sh
                case "$1" in
                  Username*|username*) printf '%s\\n' "$OCTOBUS_GIT_USERNAME" ;;
                  *) printf '%s\\n' "$OCTOBUS_GIT_PASSWORD" ;;
                esac

                """
            try await environment.blocking("write askpass helper") {
                try FileSystem.writeFile(askpass, Array(script.utf8), mode: 0o700)
            }
            extra["GIT_ASKPASS"] = askpass
            extra["OCTOBUS_GIT_USERNAME"] = username
            extra["OCTOBUS_GIT_PASSWORD"] = source.password ?? ""
            // Stored credential helpers must not answer (or record) in place of the URL's credentials.
            configArguments = ["-c", "credential.helper="]
        }
        let secrets = [source.username, source.password].compactMap { $0 }.filter { !$0.isEmpty }

        func git(_ arguments: [String], timeout: UInt64 = ImportEnvironment.fetchTimeoutMilliseconds) async throws(ImportError) -> ToolRunner.Result {
            try await environment.runTool("git", configArguments + arguments, cwd: gitDir, extraEnvironment: extra, timeoutMilliseconds: timeout)
        }
        func failure(_ what: String, _ result: ToolRunner.Result) -> ImportError {
            ImportError("\(what) failed (\(result.failureSummary)): \(Self.scrub(result.diagnostics, secrets: secrets))")
        }

        var result = try await git(["init", "--bare", "--quiet", "."])
        guard result.exit.succeeded else { throw failure("git init", result) }
        result = try await git(["remote", "add", "origin", source.remote])
        guard result.exit.succeeded else { throw failure("git remote add", result) }
        result = try await git(["fetch", "--quiet", "--tags", "--force", "origin",
                                "+refs/heads/*:refs/remotes/origin/*", "HEAD:refs/remotes/origin/HEAD"])
        guard result.exit.succeeded, !result.timedOut else { throw failure("git fetch \(source.displaySource)", result) }

        let sha = try await resolve(source.ref, git: git)
        let tar = staging + "/git.tar"
        result = try await git(["archive", "--format=tar", "--output=" + tar, sha, "--", "."])
        guard result.exit.succeeded else { throw failure("git archive \(sha)", result) }
        let tree = staging + "/source"
        let unpacker = environment
        let root = try await environment.blocking("extract git archive") { () throws -> String in
            try FileSystem.createDirectories(tree, mode: 0o755)
            try unpacker.extractPackage(tar, format: .tar, into: tree)
            try FileSystem.removeTree(tar)
            try FileSystem.removeTree(gitDir)
            return FileSystem.realPath(tree) ?? tree
        }
        return .sourceTree(dir: tree, displaySource: source.displaySource, version: sha,
                           dependencySource: DependencySource(root: root, stagedCopy: nil))
    }

    /// SPEC §3.1 ref resolution; the result must be 40 hex characters.
    private func resolve(_ ref: String?, git: (_ arguments: [String], _ timeout: UInt64) async throws(ImportError) -> ToolRunner.Result) async throws(ImportError) -> String {
        func verify(_ expression: String) async throws(ImportError) -> String? {
            let result = try await git(["rev-parse", "--verify", "--quiet", expression], 60_000)
            let sha = result.stdoutText.trimmingASCIIWhitespace()
            return result.exit.succeeded && Self.isSHA(sha) ? sha : nil
        }
        guard let ref else {
            let tags = try await git(["tag", "--list", "v*"], 60_000)
            if let best = Self.highestSemverTag(tags.stdoutText.split(separator: "\n").map(String.init)),
               let sha = try await verify("refs/tags/\(best)^{}") {
                return sha
            }
            if let sha = try await verify("refs/remotes/origin/HEAD") { return sha }
            throw ImportError("cannot resolve the latest version: the repository has no vX.Y.Z tag and no default branch")
        }
        for candidate in ["\(ref)^{commit}", "refs/tags/\(ref)^{commit}", "refs/remotes/origin/\(ref)^{commit}"] {
            if let sha = try await verify(candidate) { return sha }
        }
        throw ImportError("cannot resolve Git ref \"\(ref)\": no such commit, tag or branch")
    }

    static func isSHA(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// The highest tag of the form vMAJOR.MINOR.PATCH (no leading zeros), numerically.
    static func highestSemverTag(_ tags: [String]) -> String? {
        func parse(_ tag: String) -> (Int, Int, Int)? {
            guard tag.hasPrefix("v") else { return nil }
            let parts = tag.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3 else { return nil }
            var numbers: [Int] = []
            for part in parts {
                guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit), part == "0" || !part.hasPrefix("0"), let n = Int(part) else { return nil }
                numbers.append(n)
            }
            return (numbers[0], numbers[1], numbers[2])
        }
        return tags.map { $0.trimmingASCIIWhitespace() }.compactMap { tag in parse(tag).map { (tag, $0) } }
            .max { $0.1 < $1.1 }?.0
    }

    /// Removes credentials from git output.
    static func scrub(_ text: String, secrets: [String]) -> String {
        var out = RedactedURL.redact(text)
        for secret in secrets where secret.count >= 3 {
            out = out.replacingAll(secret, with: "******")
        }
        return out
    }
}

extension String {
    /// Replaces every occurrence of `target` (no Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
