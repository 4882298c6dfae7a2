import Protocols
import Runtime

/// Runs `npm install`/`npm ci` in a package directory (SPEC §3.2 step 3, §3.3).
///
/// Local-path dependencies (`"sdk": "file:../../sdk"`) are checked by ``LocalDependencies``
/// and handed to npm as absolute `file:` paths, installed as copies (`--install-links`), so
/// the runtime directory is self-contained instead of linking into the user's checkout.
/// package.json is restored afterwards, so the stored package is never modified.
struct NpmInstaller {
    let npm: NpmRunner
    let dependencies: LocalDependencies

    enum Decision: Equatable {
        case install
        case skip(String)
    }

    /// SPEC §3.3: skip without package.json, when every dependency is already in
    /// node_modules (unless reinstalling), or when a local dependency is missing. A local
    /// dependency that breaks the ``LocalDependencies`` rule is an error.
    func decide(packageDir: String, reinstall: Bool) throws(ImportError) -> Decision {
        guard FileSystem.isRegularFile(packageDir + "/package.json"), let manifest = try? PackageJSON.load(packageDir) else {
            return .skip("no package.json")
        }
        for local in try dependencies.resolve(manifest) where local.section == "dependencies" && !FileSystem.exists(local.path) {
            return .skip("file: dependency \(local.name) (\(local.spec)) is not available")
        }
        let installed = PackageJSON.dependencies(manifest)
        if installed.isEmpty { return .skip("no dependencies") }
        if !reinstall, installed.allSatisfy({ FileSystem.exists(packageDir + "/node_modules/" + $0.0) }) {
            return .skip("dependencies already installed")
        }
        return .install
    }

    func install(packageDir: String, includeDev: Bool) async throws(ImportError) {
        let manifestPath = packageDir + "/package.json"
        let original: [UInt8]
        do {
            original = try FileSystem.readFile(manifestPath, limit: 4 << 20)
        } catch {
            throw ImportError("read package.json: \(error)")
        }
        var manifest = try PackageJSON.load(packageDir)
        let locals = try dependencies.resolve(manifest)
        var rewritten = false
        for local in locals {
            guard var section = manifest[local.section]?.objectValue else { continue }
            let spec = "file:" + local.path
            if section[local.name]?.stringValue != spec {
                section[local.name] = .string(spec)
                manifest[local.section] = .object(section)
                rewritten = true
            }
        }
        let hasLock = FileSystem.isRegularFile(packageDir + "/package-lock.json") || FileSystem.isRegularFile(packageDir + "/npm-shrinkwrap.json")
        var arguments = [hasLock && !rewritten ? "ci" : "install", "--no-audit", "--no-fund", "--install-links"]
        arguments.append(includeDev ? "--include=dev" : "--omit=dev")
        if rewritten {
            let bytes = JSONWriter(pretty: true).bytes(.object(manifest))
            try await npm.environment.blocking("rewrite package.json") { try FileSystem.writeFile(manifestPath, bytes, mode: 0o644) }
        }
        let result = try await npm.run(arguments, in: packageDir)
        if rewritten {
            try await npm.environment.blocking("restore package.json") {
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
