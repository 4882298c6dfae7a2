import Protocols
import Runtime

/// Runs `npm install`/`npm ci` in a package directory (SPEC §3.2 step 3, §3.3).
///
/// Relative `file:` dependencies (`"sdk": "file:../../sdk"`) are resolved against the
/// directory the package came from, and installed as copies (`--install-links`), so the
/// runtime directory is self-contained instead of linking into the user's checkout.
/// package.json is restored afterwards, so the stored package is never modified.
struct NpmInstaller {
    let environment: ImportEnvironment
    let offline: Bool

    enum Decision: Equatable {
        case install
        case skip(String)
    }

    /// SPEC §3.3: skip without package.json, when every dependency is already in
    /// node_modules (unless reinstalling), or when a `file:` dependency is missing.
    static func decide(packageDir: String, fileDependencyBase: String?, reinstall: Bool) -> Decision {
        guard FileSystem.isRegularFile(packageDir + "/package.json"), let manifest = try? PackageJSON.load(packageDir) else {
            return .skip("no package.json")
        }
        let dependencies = PackageJSON.dependencies(manifest)
        for (name, spec) in dependencies where spec.hasPrefix("file:") {
            guard let target = resolveFileSpec(spec, base: fileDependencyBase ?? packageDir), FileSystem.exists(target) else {
                return .skip("file: dependency \(name) (\(spec)) is not available")
            }
        }
        if dependencies.isEmpty { return .skip("no dependencies") }
        if !reinstall, dependencies.allSatisfy({ FileSystem.exists(packageDir + "/node_modules/" + $0.0) }) {
            return .skip("dependencies already installed")
        }
        return .install
    }

    /// The absolute path a `file:` spec points at, relative to `base`.
    static func resolveFileSpec(_ spec: String, base: String) -> String? {
        var path = String(spec.dropFirst("file:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        guard !path.isEmpty else { return nil }
        return path.hasPrefix("/") ? FileSystem.clean(path) : FileSystem.clean(base + "/" + path)
    }

    func install(packageDir: String, fileDependencyBase: String?, includeDev: Bool) async throws(ImportError) {
        let manifestPath = packageDir + "/package.json"
        let original: [UInt8]
        do {
            original = try FileSystem.readFile(manifestPath, limit: 4 << 20)
        } catch {
            throw ImportError("read package.json: \(error)")
        }
        var manifest = try PackageJSON.load(packageDir)
        var rewritten = false
        if var dependencies = manifest["dependencies"]?.objectValue {
            for (name, value) in dependencies {
                guard let spec = value.stringValue, spec.hasPrefix("file:"), !spec.hasPrefix("file:/") else { continue }
                if let absolute = Self.resolveFileSpec(spec, base: fileDependencyBase ?? packageDir) {
                    dependencies[name] = .string("file:" + absolute)
                    rewritten = true
                }
            }
            manifest["dependencies"] = .object(dependencies)
        }
        let hasLock = FileSystem.isRegularFile(packageDir + "/package-lock.json") || FileSystem.isRegularFile(packageDir + "/npm-shrinkwrap.json")
        var arguments = [hasLock && !rewritten ? "ci" : "install", "--no-audit", "--no-fund", "--install-links"]
        arguments.append(includeDev ? "--include=dev" : "--omit=dev")
        if offline { arguments.append("--offline") }
        if rewritten {
            let bytes = JSONWriter(pretty: true).bytes(.object(manifest))
            try await environment.blocking("rewrite package.json") { try FileSystem.writeFile(manifestPath, bytes, mode: 0o644) }
        }
        let result = try await environment.runTool("npm", arguments, cwd: packageDir, timeoutMilliseconds: ImportEnvironment.installTimeoutMilliseconds)
        if rewritten {
            try await environment.blocking("restore package.json") {
                try FileSystem.writeFile(manifestPath, original, mode: 0o644)
                // npm may have written a lock file for the rewritten manifest; it does not belong to the package.
                if !hasLock { try FileSystem.removeTree(packageDir + "/package-lock.json") }
            }
        }
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("npm \(arguments[0]) failed (\(result.failureSummary)): \(RedactedURL.redact(result.diagnostics))")
        }
    }
}
