import Protocols
import Runtime

/// Stage `build_package` for local-directory and Git sources (SPEC §3.2): turns a source
/// tree into an npm-packed package, running the package's build script when its `bin`
/// targets do not exist yet (or when asked to).
struct PackageBuilder {
    let environment: ImportEnvironment
    let staging: String
    let offline: Bool
    let policy: BuildPolicy
    let progress: ImportProgress

    func build(sourceDir: String, displaySource: String, version: String?, fileDependencyBase: String?) async throws(ImportError) -> PreparedPackage {
        let manifest = try PackageJSON.load(sourceDir)
        let targets = PackageEntry.allTargets(packageDir: sourceDir)
        // Without any bin there is nothing a build could produce an entry for.
        if targets.isEmpty { throw ImportError("package.json bin is required") }
        let exists = !targets.isEmpty && targets.allSatisfy { FileSystem.isRegularFile(sourceDir + "/" + $0) }
        let script = PackageJSON.buildScript(manifest)

        var keptNodeModules: String?
        var packDir = sourceDir
        var runScripts = false
        switch (policy, exists, script) {
        case (.never, false, _):
            throw ImportError("package.json bin target does not exist")
        case (.never, true, _), (.auto, true, _):
            progress.status(.buildPackage, "packing package (bin targets exist, no build needed)")
        case (.always, _, nil):
            throw ImportError("--build=always requires package.json scripts.prepack, scripts.prepare, or scripts.build")
        case (.auto, false, nil):
            throw ImportError("package.json bin target does not exist and no build script is available")
        case (_, _, let script?):
            progress.status(.buildPackage, "building package with npm script \"\(script)\"")
            let buildDir = staging + "/build"
            try await environment.blocking("copy package for build") {
                try FileSystem.copyTree(sourceDir, to: buildDir) { $0 == "node_modules" }
            }
            try await NpmInstaller(environment: environment, offline: offline)
                .install(packageDir: buildDir, fileDependencyBase: fileDependencyBase ?? sourceDir, includeDev: true)
            if script == "build" {
                let result = try await environment.runTool("npm", ["run", "build"], cwd: buildDir,
                                                           timeoutMilliseconds: ImportEnvironment.installTimeoutMilliseconds)
                guard result.exit.succeeded, !result.timedOut else {
                    throw ImportError("npm run build failed (\(result.failureSummary)): \(result.diagnostics)")
                }
            }
            packDir = buildDir
            keptNodeModules = buildDir + "/node_modules"
            runScripts = true
            guard PackageEntry.allTargets(packageDir: buildDir).allSatisfy({ FileSystem.isRegularFile(buildDir + "/" + $0) }) else {
                throw ImportError("package.json bin target does not exist after running the \(script) script")
            }
        }

        let packed = staging + "/packed"
        try await environment.blocking("prepare pack directory") { try FileSystem.createDirectories(packed, mode: 0o755) }
        var arguments = ["pack", "--pack-destination", packed]
        // Without a build, lifecycle scripts (prepare, prepack) must not run: their dev
        // dependencies are not installed.
        if !runScripts { arguments.append("--ignore-scripts") }
        if offline { arguments.append("--offline") }
        let result = try await environment.runTool("npm", arguments, cwd: packDir, timeoutMilliseconds: ImportEnvironment.installTimeoutMilliseconds)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("npm pack failed (\(result.failureSummary)): \(result.diagnostics)")
        }
        guard let file = result.stdoutText.split(separator: "\n").map({ $0.trimmingASCIIWhitespace() }).last(where: { !$0.isEmpty }),
              FileSystem.isRegularFile(packed + "/" + file) else {
            throw ImportError("npm pack did not produce a tarball: \(result.diagnostics)")
        }
        let artifact = staging + "/" + file
        try await environment.blocking("move artifact") { try FileSystem.rename(packed + "/" + file, to: artifact) }
        let fetcher = PackageFetcher(environment: environment, staging: staging, offline: offline)
        let packageDir = try await fetcher.extract(artifact)
        let packageVersion = try fetcher.packageVersion(packageDir)
        return PreparedPackage(packageDir: packageDir, artifactPath: artifact, version: version ?? packageVersion,
                               displaySource: displaySource, fileDependencyBase: fileDependencyBase ?? sourceDir,
                               keptNodeModules: keptNodeModules)
    }
}
