import Protocols
import Runtime

/// Stage `prepare_source`: brings a package into the staging directory (SPEC §3.1).
struct PackageFetcher {
    let environment: ImportEnvironment
    let staging: String
    let npm: NpmRunner

    /// The fetched package before any build: either a finished package (archives, npm)
    /// or a source tree that still goes through the build step (local dirs, Git).
    enum Fetched: Sendable {
        case package(PreparedPackage)
        case sourceTree(dir: String, displaySource: String, version: String?, dependencySource: DependencySource)
    }

    func fetch(_ source: ImportSource) async throws(ImportError) -> Fetched {
        switch source {
        case .npm(let spec):
            return .package(try await fetchNpm(spec: spec))
        case .remoteArchive(let url, let isZip):
            return .package(try await fetchRemote(url: url, isZip: isZip))
        case .git(let git):
            return try await GitFetcher(environment: environment, staging: staging).fetch(git)
        case .localDirectory(let path):
            let dir = staging + "/source"
            let maximum = environment.limits.maximumUnpackedBytes
            let root = try await environment.blocking("copy \(path)") { () throws -> String in
                let skip: (String) -> Bool = { relative in
                    let name = relative.split(separator: "/").last.map(String.init) ?? relative
                    return name == "node_modules" || name == ".git"
                }
                // The directory itself, not a symlink to it: a copied symlink would make
                // staging/source the user's own directory, where npm runs and files get removed.
                guard let root = FileSystem.realPath(path) else { throw ImportError("source \"\(path)\" does not exist") }
                // Measured before a byte is copied, so an oversized directory costs no disk.
                let size = try FileSystem.treeSize(root, skip: skip)
                guard size <= maximum else {
                    throw ImportError("\(path) holds \(ByteSize.describe(size)) of files, more than the import allows "
                                      + "(\(ByteSize.describe(maximum)) unpacked, octobus serve --import-max-unpacked-bytes)")
                }
                // FIFOs, sockets and devices in the directory are skipped, never opened (copyTree).
                try FileSystem.copyTree(root, to: dir, skip: skip)
                return root
            }
            return .sourceTree(dir: dir, displaySource: path, version: nil,
                               dependencySource: DependencySource(root: root, stagedCopy: dir))
        case .localFile(let path):
            return .package(try await fetchLocalFile(path))
        }
    }

    // MARK: npm

    private func fetchNpm(spec: String) async throws(ImportError) -> PreparedPackage {
        // Packing a published package never needs its scripts.
        let result = try await npm.run(["pack", spec, "--pack-destination", staging, "--json=false"], in: staging, scripts: false,
                                       timeoutMilliseconds: ImportEnvironment.fetchTimeoutMilliseconds)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("npm pack \(spec) failed (\(result.failureSummary)): \(RedactedURL.redact(result.diagnostics))")
        }
        guard let file = result.stdoutText.split(separator: "\n").map({ $0.trimmingASCIIWhitespace() }).last(where: { !$0.isEmpty }) else {
            throw ImportError("npm pack \(spec) did not report a tarball")
        }
        let tarball = staging + "/" + file
        guard FileSystem.isRegularFile(tarball) else { throw ImportError("npm pack \(spec) reported \(file) but it does not exist") }
        let packageDir = try await extract(tarball)
        return PreparedPackage(packageDir: packageDir, artifactPath: tarball, version: try packageVersion(packageDir),
                               displaySource: "npm:" + spec, dependencySource: try await unpackedSource(packageDir), keptNodeModules: nil)
    }

    // MARK: remote archives

    private func fetchRemote(url: String, isZip: Bool) async throws(ImportError) -> PreparedPackage {
        let artifact = staging + (isZip ? "/package.zip" : "/package.tgz")
        // curl: fail on HTTP errors, follow redirects within http(s), bound size and time. The
        // download alone may not exceed the disk limit (the watchdog catches a lying server).
        let arguments = ["--fail", "--silent", "--show-error", "--location", "--proto", "=http,https", "--proto-redir", "=http,https",
                         "--max-redirs", "5", "--max-filesize", String(environment.limits.maximumDiskBytes), "--connect-timeout", "30",
                         "--output", artifact, url]
        let result = try await environment.runTool("curl", arguments, cwd: staging, timeoutMilliseconds: ImportEnvironment.fetchTimeoutMilliseconds)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("download \(Self.storedURL(url)) failed: \(RedactedURL.redact(result.diagnostics.isEmpty ? result.failureSummary : result.diagnostics))")
        }
        let packageDir = try await extract(artifact)
        return PreparedPackage(packageDir: packageDir, artifactPath: artifact, version: try packageVersion(packageDir),
                               displaySource: Self.storedURL(url), dependencySource: try await unpackedSource(packageDir), keptNodeModules: nil)
    }

    /// A remote URL as stored: without userinfo, query or fragment.
    static func storedURL(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        var rest = url[schemeEnd.upperBound...]
        if let cut = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<cut] }
        let hostEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<hostEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(url[..<schemeEnd.upperBound]) + rest
    }

    // MARK: local files

    private func fetchLocalFile(_ path: String) async throws(ImportError) -> PreparedPackage {
        let format: ArchiveFormat
        do {
            format = try ArchiveFormat.detect(path: path)
        } catch {
            throw ImportError("\(path): \(error.description)")
        }
        let lower = path.lowercased()
        let name = format == .zip ? "package.zip" : (lower.hasSuffix(".tar.gz") ? "package.tar.gz" : (lower.hasSuffix(".tar") ? "package.tar" : "package.tgz"))
        let artifact = staging + "/" + name
        let maximum = environment.limits.maximumDiskBytes
        try await environment.blocking("copy \(path)") {
            let size = FileSystem.size(path) ?? 0
            guard size <= maximum else {
                throw ImportError("\(path) is \(ByteSize.describe(size)), more than the import's disk limit of "
                                  + "\(ByteSize.describe(maximum)) (octobus serve --import-max-disk-bytes)")
            }
            try FileSystem.copyFile(path, to: artifact, mode: 0o644)
        }
        let packageDir = try await extract(artifact)
        return PreparedPackage(packageDir: packageDir, artifactPath: artifact, version: try packageVersion(packageDir),
                               displaySource: path, dependencySource: try await unpackedSource(packageDir), keptNodeModules: nil)
    }

    // MARK: helpers

    /// Extracts an archive to `<staging>/package`, descending into a sole top-level directory
    /// when the root has no service.json (npm's `package/`).
    func extract(_ archive: String, into target: String? = nil) async throws(ImportError) -> String {
        let destination = target ?? staging + "/package"
        let extractRoot = staging + "/extract-\(UInt32.random(in: 0...UInt32.max))"
        let environment = self.environment
        return try await environment.blocking("extract") {
            try FileSystem.createDirectories(extractRoot, mode: 0o755)
            let format: ArchiveFormat
            do {
                format = try ArchiveFormat.detect(path: archive)
            } catch {
                throw ImportError("\(error)")
            }
            try environment.extractPackage(archive, format: format, into: extractRoot)
            var root = extractRoot
            let entries = try FileSystem.listDirectory(root)
            if !FileSystem.exists(root + "/service.json"), entries.count == 1, FileSystem.isDirectory(root + "/" + entries[0]) {
                root += "/" + entries[0]
            }
            try FileSystem.rename(root, to: destination)
            try FileSystem.removeTree(extractRoot)
            return destination
        }
    }

    /// An unpacked package in staging is its own dependency source.
    func unpackedSource(_ packageDir: String) async throws(ImportError) -> DependencySource {
        try await environment.blocking("resolve \(packageDir)") {
            DependencySource(root: FileSystem.realPath(packageDir) ?? packageDir, stagedCopy: nil)
        }
    }

    func packageVersion(_ packageDir: String) throws(ImportError) -> String {
        guard FileSystem.isRegularFile(packageDir + "/package.json") else { return "" }
        return (try PackageJSON.load(packageDir))["version"]?.stringValue ?? ""
    }
}
