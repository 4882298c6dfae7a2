import Glibc
import Protocols
import Runtime

/// One copy of the bundled SDK for every service that runs on it: `<data>/artifacts/sdk/<version>-<digest>/`,
/// hard-linked into each runtime directory's `node_modules/@chaitin-ai/octobus-sdk`.
///
/// Hard links rather than a symlink keep each runtime directory self-contained (it works
/// wherever it is copied or moved, and removing the store breaks nothing), while fifty services
/// still share one copy on disk. The copy is keyed by content, so a daemon upgraded to a new SDK
/// starts a new copy and services imported earlier keep the SDK they were imported with.
/// Stored files are read-only: they are shared between services. A stored copy no runtime
/// links to any more (its package.json has a single name) is removed by ``prune(keeping:)``.
/// Blocking: call it on the pool. Imports run one at a time, so nothing else writes the store.
struct SDKStore: Sendable {
    /// `<data>/artifacts/sdk`.
    let directory: String

    init(servicesDirectory: String) {
        directory = FileSystem.clean(servicesDirectory + "/../sdk")
    }

    /// Where a runtime directory's SDK goes.
    static func installPath(runtimeDir: String) -> String {
        runtimeDir + "/node_modules/" + BundledSDK.packageName
    }

    /// The stored copy of `sdk`, made when missing. Only what the SDK publishes is stored:
    /// package.json and its `files` (plus README and LICENSE files), as `npm pack` selects them.
    func ensure(_ sdk: BundledSDK.Info) throws -> String {
        let files = try Self.publishedFiles(sdk.directory)
        var digestInput: [UInt8] = []
        for relative in files {
            digestInput += Array(relative.utf8) + [0]
            digestInput += Array(try Digests.sha256Hex(file: sdk.directory + "/" + relative).utf8) + [0]
            digestInput += Array(String(FileSystem.isExecutable(sdk.directory + "/" + relative)).utf8) + [0]
        }
        let name = "\(sdk.version)-\(Digests.sha256Hex(digestInput).prefix(12))"
        let stored = directory + "/" + name
        if FileSystem.isRegularFile(stored + "/package.json") { return stored }
        try FileSystem.createDirectories(directory, mode: 0o755)
        let temporary = directory + "/.tmp-\(name)-\(getpid())"
        try FileSystem.removeTree(temporary)
        for relative in files {
            let target = temporary + "/" + relative
            try FileSystem.createDirectories(String(target[..<target.lastIndex(of: "/")!]), mode: 0o755)
            let executable = FileSystem.isExecutable(sdk.directory + "/" + relative)
            try FileSystem.copyFile(sdk.directory + "/" + relative, to: target, mode: executable ? 0o555 : 0o444)
        }
        try FileSystem.removeTree(stored)
        try FileSystem.rename(temporary, to: stored)
        return stored
    }

    /// Puts the stored copy at `node_modules/@chaitin-ai/octobus-sdk` of `runtimeDir`,
    /// replacing whatever is there (npm's copy of the same files, or nothing).
    func link(_ stored: String, into runtimeDir: String) throws {
        let target = Self.installPath(runtimeDir: runtimeDir)
        try FileSystem.removeTree(target)
        try FileSystem.createDirectories(runtimeDir + "/node_modules/@chaitin-ai", mode: 0o755)
        try FileSystem.linkTree(stored, to: target)
    }

    /// Removes stored copies that no runtime directory links to (and unfinished ones), except `keeping`.
    func prune(keeping: String?) {
        guard let names = try? FileSystem.listDirectory(directory) else { return }
        for name in names where directory + "/" + name != keeping {
            let path = directory + "/" + name
            if name.hasPrefix(".tmp-") || FileSystem.linkCount(path + "/package.json").map({ $0 <= 1 }) ?? true {
                try? FileSystem.removeTree(path)
            }
        }
    }

    /// Package-relative paths of the files the SDK publishes, sorted: package.json, README*,
    /// LICENSE*/LICENCE* and everything under its `files` entries (plain paths; with no `files`
    /// list, or one with patterns, everything but node_modules and dot-files).
    static func publishedFiles(_ sdkDirectory: String) throws -> [String] {
        let manifest = try PackageJSON.load(sdkDirectory)
        var roots: [String] = []
        let entries = manifest["files"]?.arrayValue?.compactMap(\.stringValue)
        let plain = entries?.allSatisfy { !$0.contains(where: { "*?[]!{}".contains($0) }) } ?? false
        for name in try FileSystem.listDirectory(sdkDirectory) {
            let upper = name.uppercased()
            if name == "package.json" || upper.hasPrefix("README") || upper.hasPrefix("LICENSE") || upper.hasPrefix("LICENCE") {
                roots.append(name)
            } else if !plain, !name.hasPrefix("."), name != "node_modules" {
                roots.append(name)
            }
        }
        if plain, let entries {
            for entry in entries {
                let relative = try PackagePath.validate(entry.hasSuffix("/") ? String(entry.dropLast()) : entry, what: "SDK files entry")
                if FileSystem.exists(sdkDirectory + "/" + relative) { roots.append(relative) }
            }
        }
        var files: Set<String> = []
        func walk(_ relative: String) throws {
            let path = sdkDirectory + "/" + relative
            if FileSystem.isSymbolicLink(path) { return }
            if FileSystem.isDirectory(path) {
                for name in try FileSystem.listDirectory(path) where name != "node_modules" && !name.hasPrefix(".") {
                    try walk(relative + "/" + name)
                }
            } else if FileSystem.isRegularFile(path) {
                files.insert(relative)
            }
        }
        for root in roots { try walk(root) }
        return files.sorted()
    }
}
