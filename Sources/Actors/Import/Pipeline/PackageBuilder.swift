import Protocols
import Runtime

/// Stage `build_package` for local-directory and Git sources (SPEC §3.2): turns a source
/// tree into an npm-packed package, running the package's build script when its `bin`
/// targets do not exist yet (or when asked to).
///
/// A build runs the package's own code (its `prepack`, `prepare` or `build` script and the
/// lifecycle scripts of its dev dependencies), so it needs an import given `allow_scripts`
/// (`--allow-scripts`); without it, a package that needs a build is refused with an error
/// that says so, and nothing of the package runs.
struct PackageBuilder {
    let environment: ImportEnvironment
    let staging: String
    let npm: NpmRunner
    let sdk: SDKSetup
    let policy: BuildPolicy
    let progress: ImportProgress

    /// What to pack: the source tree itself, or a build copy after its script ran.
    struct PackPlan: Sendable {
        var packDir: String
        /// `node_modules` of a script build, reused for the runtime dir.
        var keptNodeModules: String?
        /// Whether `npm pack` may run lifecycle scripts (only after a build, which installed dev dependencies).
        var runScripts: Bool
    }

    func build(sourceDir: String, displaySource: String, version: String?, dependencySource: DependencySource) async throws(ImportError) -> PreparedPackage {
        let plan = try await prepare(sourceDir: sourceDir, dependencySource: dependencySource)
        return try await pack(plan, sourceDir: sourceDir, displaySource: displaySource, version: version, dependencySource: dependencySource)
    }

    /// Decides how the source tree becomes a package, and runs its build script when it needs one.
    func prepare(sourceDir: String, dependencySource: DependencySource) async throws(ImportError) -> PackPlan {
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
        case (.always, _, let script?) where !npm.allowScripts:
            throw ImportError("--build=always runs the package's \"\(script)\" script, and imports run no package scripts "
                              + "unless allowed: pass --allow-scripts (allow_scripts) to build it")
        case (.auto, false, let script?) where !npm.allowScripts:
            throw ImportError("package.json bin target does not exist; building it would run the package's \"\(script)\" script, "
                              + "and imports run no package scripts unless allowed: pass --allow-scripts (allow_scripts), "
                              + "or import a package that ships its bin targets")
        case (_, _, let script?):
            progress.status(.buildPackage, "building package with npm script \"\(script)\"")
            let buildDir = staging + "/build"
            try await environment.blocking("copy package for build") {
                try FileSystem.copyTree(sourceDir, to: buildDir) { $0 == "node_modules" }
            }
            try await environment.checkDiskUse(after: .buildPackage)
            let installer = NpmInstaller(npm: npm, dependencies: LocalDependencies(source: dependencySource, sdk: environment.bundledSDK,
                                                                             sdkStandsIn: sdk.policy == .bundled),
                                         sdk: sdk)
            let plan = try installer.plan(packageDir: buildDir, shippedSDKVersion: nil, reinstall: true, includeDev: true)
            try await installer.install(plan, packageDir: buildDir)
            _ = try await environment.blocking("provide the SDK") { try installer.finish(plan, packageDir: buildDir) }
            if script == "build" {
                let result = try await npm.run(["run", "build"], in: buildDir)
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
        return PackPlan(packDir: packDir, keptNodeModules: keptNodeModules, runScripts: runScripts)
    }

    /// `npm pack` as planned, then the tarball unpacked as the package.
    func pack(_ plan: PackPlan, sourceDir: String, displaySource: String, version: String?,
              dependencySource: DependencySource) async throws(ImportError) -> PreparedPackage {
        let (packDir, keptNodeModules, runScripts) = (plan.packDir, plan.keptNodeModules, plan.runScripts)
        let packed = staging + "/packed"
        try await environment.blocking("prepare pack directory") { try FileSystem.createDirectories(packed, mode: 0o755) }
        // Without a build, lifecycle scripts (prepare, prepack) must not run: their dev
        // dependencies are not installed.
        let result = try await npm.run(["pack", "--pack-destination", packed], in: packDir, scripts: runScripts)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("npm pack failed (\(result.failureSummary)): \(result.diagnostics)")
        }
        guard let file = result.stdoutText.split(separator: "\n").map({ $0.trimmingASCIIWhitespace() }).last(where: { !$0.isEmpty }),
              FileSystem.isRegularFile(packed + "/" + file) else {
            throw ImportError("npm pack did not produce a tarball: \(result.diagnostics)")
        }
        return try await unpack(packed + "/" + file, sourceDir: sourceDir, displaySource: displaySource, version: version,
                                dependencySource: dependencySource, keptNodeModules: keptNodeModules)
    }

    /// Moves a tarball `npm pack` made into the staging directory and unpacks it as the package.
    func unpack(_ tarball: String, sourceDir: String, displaySource: String, version: String?, dependencySource: DependencySource,
                keptNodeModules: String?) async throws(ImportError) -> PreparedPackage {
        let artifact = staging + "/" + String(tarball.split(separator: "/").last ?? "package.tgz")
        try await environment.blocking("move artifact") { try FileSystem.rename(tarball, to: artifact) }
        let fetcher = PackageFetcher(environment: environment, staging: staging, npm: npm)
        let packageDir = try await fetcher.extract(artifact)
        let packageVersion = try fetcher.packageVersion(packageDir)
        return PreparedPackage(packageDir: packageDir, artifactPath: artifact, version: version ?? packageVersion,
                               displaySource: displaySource, dependencySource: dependencySource,
                               keptNodeModules: keptNodeModules, sourceTree: sourceDir)
    }
}
