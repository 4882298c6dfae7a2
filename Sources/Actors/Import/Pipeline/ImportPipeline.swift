import Protocols
import Runtime

/// The import of one source (SPEC §3): fetch, build, validate, prepare the runtime dir,
/// compile descriptors — all in a staging directory — then commit atomically. Any failure
/// before the commit leaves the previously imported version untouched.
///
/// Disk use of the staging directory is checked after each stage (and watched while tools
/// run), so an import that outgrows ``ImportLimits`` stops at the stage that overflowed.
struct ImportPipeline {
    let baseEnvironment: ImportEnvironment
    let request: ImportRequest
    let progress: ImportProgress

    init(environment: ImportEnvironment, request: ImportRequest, progress: ImportProgress) {
        self.baseEnvironment = environment
        self.request = request
        self.progress = progress
    }

    /// Result of the work before commit.
    struct Staged: Sendable {
        var staging: String
        var package: PreparedPackage
        var runtimeDir: String
        var candidates: [ServiceCandidate]
        /// The SDK the runtime directory holds.
        var sdk: SDKSource
        /// Service roots of the source that the packed package left out (recursive imports).
        var excludedRoots: [ExcludedRoot] = []
        /// The bundled SDK's shared copy the runtime links to, when it runs on the bundled SDK.
        var sdkCopy: String?
        /// The package's directory relative to the scan root, in a directory of packages.
        var catalogPackage: String?
    }

    func stage() async throws(ImportError) -> Staged {
        let (base, serviceDir) = try ImportSource.splitServiceDir(request.source)
        let source = try ImportSource.classify(base) { FileSystem.kind($0) }
        switch source {
        case .localDirectory, .git: break
        default:
            if request.build == .always {
                throw ImportError("--build=always is only supported for local directory and HTTPS Git sources")
            }
        }
        let rootDir: String
        if case .git(let git) = source { rootDir = git.subdir } else { rootDir = serviceDir }

        let stagingName = request.recursive ? ".staging-recursive-import" : ".staging-\(request.serviceID!)"
        let staging = baseEnvironment.servicesDirectory + "/" + stagingName
        let environment = baseEnvironment.working(in: staging)
        try await environment.blocking("prepare staging directory") {
            try FileSystem.removeTree(staging)
            try FileSystem.createDirectories(staging, mode: 0o755)
        }
        let npm = NpmRunner(environment: environment, allowScripts: request.allowScripts, offline: request.offline)
        let sdk = await prepareSDK(environment)

        // prepare_source (+ build_package)
        progress.status(.prepareSource, "preparing source \(Self.describe(source))")
        let fetcher = PackageFetcher(environment: environment, staging: staging, npm: npm)
        var fetched: PreparedPackage
        switch try await fetcher.fetch(source) {
        case .package(let prepared):
            fetched = prepared
            try await environment.checkDiskUse(after: .prepareSource)
        case .sourceTree(let dir, let displaySource, let version, let dependencySource):
            try await environment.checkDiskUse(after: .prepareSource)
            fetched = try await PackageBuilder(environment: environment, staging: staging, npm: npm, sdk: sdk,
                                               policy: request.build, progress: progress)
                .build(sourceDir: dir, displaySource: displaySource, version: version, dependencySource: dependencySource)
            try await environment.checkDiskUse(after: .buildPackage)
        }
        switch source {
        case .npm, .localDirectory, .localFile:
            if serviceDir != "." { fetched.displaySource += "//" + serviceDir }
        default:
            break
        }
        let package = fetched

        // validate_manifest
        let roots: [String]
        var excluded: [ExcludedRoot] = []
        if request.recursive {
            roots = try await environment.blocking("discover service roots") {
                try ServiceDiscovery.roots(in: package.packageDir, under: rootDir)
            }
            if let source = package.sourceTree {
                excluded = await ServiceDiscovery.excludedRoots(source: source, packed: package.packageDir, under: rootDir,
                                                                environment: environment)
                for item in excluded {
                    progress.status(.validateManifest, item.message, serviceID: item.serviceID)
                }
            }
        } else {
            roots = [rootDir]
        }
        var validated: [(root: String, manifest: ServiceManifest, entry: String, id: String)] = []
        var seen: [String: String] = [:]
        for (index, root) in roots.enumerated() {
            let current = request.recursive ? index + 1 : nil
            let total = request.recursive ? roots.count : nil
            progress.status(.validateManifest, "validating \(root == "." ? "" : root + "/")service.json", current: current, total: total)
            let serviceRoot = package.packageDir + "/" + root
            guard FileSystem.isDirectory(serviceRoot) else { throw ImportError("service dir \"\(root)\" does not exist in the package") }
            let manifest = try ServiceManifest.load(serviceRoot: serviceRoot)
            let entry = try PackageEntry.resolve(packageDir: package.packageDir, serviceName: manifest.name)
            let id: String
            if request.recursive {
                id = manifest.name
                guard Identifier.isValid(id) else {
                    throw ImportError("invalid service id \"\(id)\" (service.json name in \(root)): must match \(Identifier.pattern)")
                }
                if let other = seen[id] { throw ImportError("duplicate service name \"\(id)\" in \(other) and \(root)") }
                seen[id] = root
            } else {
                id = request.serviceID!
            }
            validated.append((root, manifest, entry, id))
        }

        // prepare_runtime (shared by every service root of the package)
        progress.status(.prepareRuntime, "preparing runtime directory")
        let runtimeDir = staging + "/runtime"
        let kept = package.keptNodeModules
        let packageDir = package.packageDir
        try await environment.blocking("prepare runtime directory") {
            try FileSystem.copyTree(packageDir, to: runtimeDir)
            if let kept, FileSystem.isDirectory(kept) {
                try FileSystem.removeTree(runtimeDir + "/node_modules")
                try FileSystem.rename(kept, to: runtimeDir + "/node_modules")
            }
            if self.request.reinstall { try FileSystem.removeTree(runtimeDir + "/node_modules") }
        }
        try await environment.checkDiskUse(after: .prepareRuntime)
        let installer = NpmInstaller(npm: npm, dependencies: LocalDependencies(source: package.dependencySource, sdk: environment.bundledSDK,
                                                                         sdkStandsIn: sdk.policy == .bundled),
                                     sdk: sdk)
        let shipped = request.reinstall ? nil : NpmInstaller.installedSDKVersion(package.packageDir)
        let plan = try installer.plan(packageDir: runtimeDir, shippedSDKVersion: shipped, reinstall: request.reinstall, includeDev: false)
        if let reason = plan.skipReason {
            progress.status(.prepareRuntime, "skipping dependency install: \(reason)")
        } else {
            progress.status(.prepareRuntime, "installing production dependencies")
            try await installer.install(plan, packageDir: runtimeDir)
            try await environment.checkDiskUse(after: .prepareRuntime)
        }
        let sdkSource = try await environment.blocking("provide the SDK") { try installer.finish(plan, packageDir: runtimeDir) }
        if case .bundled(let version) = sdkSource {
            progress.status(.prepareRuntime, "using the bundled SDK \(version) for \(BundledSDK.packageName)")
        }

        // compile_descriptor
        var candidates: [ServiceCandidate] = []
        for (index, item) in validated.enumerated() {
            let current = request.recursive ? index + 1 : nil
            let total = request.recursive ? validated.count : nil
            progress.status(.compileDescriptor, "compiling \(item.manifest.protoFiles.joined(separator: ", "))",
                            serviceID: request.recursive ? item.id : nil, current: current, total: total)
            let output = request.recursive ? staging + "/descriptor-\(item.id).protoset" : staging + "/descriptor.protoset"
            let compiled = try await ProtocCompiler(environment: environment)
                .compile(serviceRoot: package.packageDir + "/" + item.root, manifest: item.manifest, output: output)
            candidates.append(ServiceCandidate(serviceID: item.id, root: item.root, manifest: item.manifest, nodeEntry: item.entry,
                                               descriptorPath: output, descriptor: compiled))
        }
        try await environment.checkDiskUse(after: .compileDescriptor)
        return Staged(staging: staging, package: package, runtimeDir: runtimeDir, candidates: candidates, sdk: sdkSource,
                      excludedRoots: excluded, sdkCopy: sdkSource.isBundled ? sdk.bundledCopy : nil)
    }

    /// The local directory and scan root of a recursive import of a directory of packages
    /// (``CatalogDiscovery``), or nil for any other import.
    func catalogSource() throws(ImportError) -> (source: String, scanRoot: String)? {
        guard request.recursive else { return nil }
        let (base, scanRoot) = try ImportSource.splitServiceDir(request.source)
        guard case .localDirectory(let path) = try ImportSource.classify(base, kind: { FileSystem.kind($0) }),
              CatalogDiscovery.isCatalog(path), FileSystem.isDirectory(path + "/" + scanRoot)
        else { return nil }
        return (path, scanRoot)
    }

    /// Stages every package of a directory of packages (``CatalogImport``).
    func stageCatalog(source: String, scanRoot: String) async throws(ImportError) -> CatalogImport.Outcome {
        let staging = baseEnvironment.servicesDirectory + "/.staging-recursive-import"
        let environment = baseEnvironment.working(in: staging)
        try await environment.blocking("prepare staging directory") {
            try FileSystem.removeTree(staging)
            try FileSystem.createDirectories(staging, mode: 0o755)
        }
        let npm = NpmRunner(environment: environment, allowScripts: request.allowScripts, offline: request.offline)
        let sdk = await prepareSDK(environment)
        var outcome = try await CatalogImport(environment: environment, request: request, progress: progress, npm: npm, sdk: sdk,
                                              staging: staging).stage(source: source, scanRoot: scanRoot)
        for index in outcome.staged.indices where outcome.staged[index].sdk.isBundled {
            outcome.staged[index].sdkCopy = sdk.bundledCopy
        }
        return outcome
    }

    /// The SDK this import provides (the daemon's SDK read, its shared copy made).
    func prepareSDK(_ environment: ImportEnvironment) async -> SDKSetup {
        let policy = request.sdk
        let directory = environment.bundledSDK
        let services = environment.servicesDirectory
        return await environment.pool.run {
            SDKSetup.prepare(policy: policy, sdkDirectory: directory, servicesDirectory: services)
        }
    }

    static func describe(_ source: ImportSource) -> String {
        switch source {
        case .npm(let spec): "npm:\(spec)"
        case .remoteArchive(let url, _): PackageFetcher.storedURL(url)
        case .git(let git): git.displaySource
        case .localDirectory(let path), .localFile(let path): path
        }
    }
}
