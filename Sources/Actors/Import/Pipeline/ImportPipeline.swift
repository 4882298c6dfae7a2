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
            fetched = try await PackageBuilder(environment: environment, staging: staging, npm: npm,
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
        if request.recursive {
            roots = try await environment.blocking("discover service roots") {
                try ServiceDiscovery.roots(in: package.packageDir, under: rootDir)
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
        let installer = NpmInstaller(npm: npm, dependencies: LocalDependencies(source: package.dependencySource, sdk: environment.bundledSDK))
        switch try installer.decide(packageDir: runtimeDir, reinstall: request.reinstall) {
        case .install:
            progress.status(.prepareRuntime, "installing production dependencies")
            try await installer.install(packageDir: runtimeDir, includeDev: false)
            try await environment.checkDiskUse(after: .prepareRuntime)
        case .skip(let reason):
            progress.status(.prepareRuntime, "skipping dependency install: \(reason)")
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
        return Staged(staging: staging, package: package, runtimeDir: runtimeDir, candidates: candidates)
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

/// Recursive import: service roots under a scan root (SPEC §2.3).
enum ServiceDiscovery {
    /// Relative roots (sorted) of directories holding service.json below `scanRoot`, skipping
    /// node_modules, .git and dot-directories; a root is not descended.
    static func roots(in packageDir: String, under scanRoot: String) throws -> [String] {
        let base = packageDir + "/" + scanRoot
        guard FileSystem.isDirectory(base) else { throw ImportError("no service roots found under \"\(scanRoot)\"") }
        if FileSystem.isRegularFile(base + "/service.json") { return [scanRoot] }
        var found: [String] = []
        func walk(_ relative: String, depth: Int) throws {
            guard depth < 32 else { return }
            for name in try FileSystem.listDirectory(packageDir + "/" + relative) {
                if name == "node_modules" || name == ".git" || name.hasPrefix(".") { continue }
                let child = relative == "." ? name : relative + "/" + name
                let full = packageDir + "/" + child
                guard FileSystem.isDirectory(full), !FileSystem.isSymbolicLink(full) else { continue }
                if FileSystem.isRegularFile(full + "/service.json") {
                    found.append(child)
                } else {
                    try walk(child, depth: depth + 1)
                }
            }
        }
        try walk(scanRoot, depth: 0)
        guard !found.isEmpty else { throw ImportError("no service roots found under \"\(scanRoot)\"") }
        return found.sorted()
    }
}
