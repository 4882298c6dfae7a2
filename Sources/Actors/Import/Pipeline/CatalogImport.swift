import Protocols
import Runtime

/// Stages a recursive import of a directory of packages (``CatalogDiscovery``): every package
/// goes through the stages of a one-package import, but a package that fails drops out with
/// its reason (``ImportFailure``) while the others go on, and work is shared or run in
/// parallel where that is safe:
///
/// - all packages that need no build are packed by **one** `npm pack dir1 dir2 …` (npm's start-up
///   costs more than packing a small package); if that fails, each is packed alone so the
///   failure is pinned on its package;
/// - packages whose dependency installs would be identical (same specs, no lock file, no local
///   dependencies, nothing shipped: ``NpmInstaller/Plan/shareKey``) share one `npm install`,
///   whose `node_modules` is copied to the others; a package that needs only the SDK runs no
///   npm at all, and every one links the one shared copy of the bundled SDK (``SDKStore``);
/// - unpacking, installs and protoc run ``parallelism`` at a time; commits stay one at a time
///   (``ImportActor``).
///
/// Everything happens in the import's staging directory, each package in its own `p<n>/`.
struct CatalogImport {
    let environment: ImportEnvironment
    let request: ImportRequest
    let progress: ImportProgress
    let npm: NpmRunner
    let sdk: SDKSetup
    let staging: String

    /// Work items run at once: a 2-core machine, where each npm, protoc or copy keeps one core busy.
    static let parallelism = 2

    struct Outcome: Sendable {
        var staged: [ImportPipeline.Staged]
        var failures: [ImportFailure]
    }

    /// A service root of a member that passed validation.
    struct ValidatedRoot: Sendable {
        var root: String
        var manifest: ServiceManifest
        var entry: String
        var id: String
    }

    /// One package on its way through the stages; once `failure` is set it takes no further part.
    struct Member: Sendable {
        var index: Int
        var relative: String
        var sourceDir: String
        var staging: String
        var displaySource: String
        var dependencySource: DependencySource
        var packPlan: PackageBuilder.PackPlan?
        var tarball: String?
        var package: PreparedPackage?
        var roots: [ValidatedRoot] = []
        var excluded: [ExcludedRoot] = []
        var runtimeDir: String { staging + "/runtime" }
        var installPlan: NpmInstaller.Plan?
        var sdk = SDKSource.none
        var candidates: [ServiceCandidate] = []
        var failure: ImportFailure?

        var alive: Bool { failure == nil }

        /// The services this package would import (for messages), else its directory.
        var label: String {
            roots.isEmpty ? relative : roots.map(\.id).joined(separator: ", ")
        }

        mutating func fail(_ stage: ImportStage, _ error: ImportError) {
            failure = ImportFailure(package: relative, serviceID: roots.count == 1 ? roots[0].id : nil, stage: stage, error: error.message)
        }
    }

    func stage(source: String, scanRoot: String) async throws(ImportError) -> Outcome {
        // prepare_source: one copy of the whole directory, measured against the import's limit first.
        progress.status(.prepareSource, "preparing source \(source) (a directory of packages)")
        let fetcher = PackageFetcher(environment: environment, staging: staging, npm: npm)
        guard case .sourceTree(let copy, _, _, let dependencySource) = try await fetcher.fetch(.localDirectory(path: source)) else {
            throw ImportError("\(source) is not a directory")
        }
        let realRoot = dependencySource.root
        try await environment.checkDiskUse(after: .prepareSource)
        let found = try await environment.blocking("discover packages") { () throws -> [(String, Bool)] in
            try CatalogDiscovery.packages(in: copy, under: scanRoot).map { relative in
                (relative, (try? ServiceDiscovery.roots(in: copy + "/" + relative, under: ".")) != nil)
            }
        }
        for (relative, isService) in found where !isService {
            progress.status(.prepareSource, "\(relative) has a package.json but no service.json: not a service package, left out")
        }
        let relatives = found.filter(\.1).map(\.0)
        guard !relatives.isEmpty else {
            throw ImportError("no service packages (directories with a package.json and a service.json) found under \"\(scanRoot)\"")
        }
        progress.status(.prepareSource, "found \(relatives.count) service packages")
        var members = relatives.enumerated().map { index, relative in
            Member(index: index, relative: relative, sourceDir: copy + "/" + relative, staging: staging + "/p\(index + 1)",
                   displaySource: FileSystem.clean(source + "/" + relative),
                   dependencySource: DependencySource(root: realRoot + "/" + relative, stagedCopy: copy + "/" + relative))
        }

        try await build(&members)
        try await environment.checkDiskUse(after: .buildPackage)
        await validate(&members)
        try await prepareRuntimes(&members)
        try await environment.checkDiskUse(after: .prepareRuntime)
        await compile(&members)
        try await environment.checkDiskUse(after: .compileDescriptor)

        var failures: [ImportFailure] = []
        var staged: [ImportPipeline.Staged] = []
        for member in members {
            failures += member.excluded.map {
                ImportFailure(package: member.relative, serviceID: $0.serviceID, stage: .validateManifest, error: $0.message)
            }
            if let failure = member.failure {
                failures.append(failure)
                progress.status(failure.stage, "not imported: \(failure.error)", serviceID: failure.serviceID,
                                current: member.index + 1, total: members.count, error: failure.error)
                continue
            }
            guard let package = member.package else { continue }
            staged.append(ImportPipeline.Staged(staging: member.staging, package: package, runtimeDir: member.runtimeDir,
                                                candidates: member.candidates, sdk: member.sdk, excludedRoots: member.excluded,
                                                catalogPackage: member.relative))
        }
        // Free the disk of packages that dropped out now; the rest goes with the staging directory.
        let dropped = members.filter { !$0.alive }.map(\.staging)
        try? await environment.blocking("remove failed packages") { for path in dropped { try FileSystem.removeTree(path) } }
        return Outcome(staged: staged, failures: failures)
    }

    private func scoped(_ member: Member, of count: Int) -> ImportProgress {
        progress.scoped(package: member.relative, current: member.index + 1, total: count)
    }

    private func builder(_ member: Member, count: Int) -> PackageBuilder {
        PackageBuilder(environment: environment, staging: member.staging, npm: npm, sdk: sdk, policy: request.build,
                       progress: scoped(member, of: count))
    }

    // MARK: build_package

    /// Plans each package's pack (building the ones that need it), packs those without a build
    /// in one npm run, and unpacks every tarball.
    private func build(_ members: inout [Member]) async throws(ImportError) {
        let count = members.count
        for index in members.indices {
            let member = members[index]
            do throws(ImportError) {
                try await environment.blocking("prepare \(member.relative)") { try FileSystem.createDirectories(member.staging, mode: 0o755) }
                members[index].packPlan = try await builder(member, count: count)
                    .prepare(sourceDir: member.sourceDir, dependencySource: member.dependencySource)
            } catch {
                members[index].fail(.buildPackage, error)
            }
        }
        let batch = members.indices.filter { members[$0].alive && members[$0].packPlan?.runScripts == false }
        let tarballs = try await packTogether(batch.map { members[$0] })
        for index in batch { members[index].tarball = tarballs[members[index].index] }

        let unpacked = await mapConcurrently(members, limit: Self.parallelism) { member -> Member in
            var member = member
            guard member.alive, let plan = member.packPlan else { return member }
            let builder = self.builder(member, count: count)
            do throws(ImportError) {
                if let tarball = member.tarball {
                    member.package = try await builder.unpack(tarball, sourceDir: member.sourceDir, displaySource: member.displaySource,
                                                              version: nil, dependencySource: member.dependencySource,
                                                              keptNodeModules: plan.keptNodeModules)
                } else {
                    member.package = try await builder.pack(plan, sourceDir: member.sourceDir, displaySource: member.displaySource,
                                                            version: nil, dependencySource: member.dependencySource)
                }
            } catch {
                member.fail(.buildPackage, error)
            }
            return member
        }
        members = unpacked
    }

    /// Packs the given packages with as few `npm pack` runs as tarball names allow (two
    /// packages with the same name and version go to different runs). Returns each packed
    /// member's tarball by index; a member left out (its run failed) is packed alone later.
    private func packTogether(_ batch: [Member]) async throws(ImportError) -> [Int: String] {
        var rounds: [[(member: Member, tarball: String)]] = []
        for member in batch {
            guard let name = try? await environment.blocking("read package.json", { () throws -> String? in
                let manifest = try PackageJSON.load(member.sourceDir)
                guard let name = manifest["name"]?.stringValue, let version = manifest["version"]?.stringValue else { return nil }
                return (name.hasPrefix("@") ? String(name.dropFirst()).replacing("/", with: "-") : name) + "-\(version).tgz"
            }) else { continue }
            if let round = rounds.firstIndex(where: { !$0.contains { $0.tarball == name } }) {
                rounds[round].append((member, name))
            } else {
                rounds.append([(member, name)])
            }
        }
        var packed: [Int: String] = [:]
        for (number, round) in rounds.enumerated() {
            let destination = staging + "/packed-\(number + 1)"
            try await environment.blocking("prepare pack directory") { try FileSystem.createDirectories(destination, mode: 0o755) }
            progress.status(.buildPackage, "packing \(round.count) packages")
            let result = try await npm.run(["pack", "--pack-destination", destination] + round.map(\.member.sourceDir),
                                           in: staging, scripts: false)
            guard result.exit.succeeded, !result.timedOut else { continue }
            for (member, tarball) in round where FileSystem.isRegularFile(destination + "/" + tarball) {
                packed[member.index] = destination + "/" + tarball
            }
        }
        return packed
    }

    // MARK: validate_manifest

    private func validate(_ members: inout [Member]) async {
        var seen: [String: String] = [:]
        let count = members.count
        for index in members.indices where members[index].alive {
            let member = members[index]
            guard let package = member.package else { continue }
            let progress = scoped(member, of: count)
            members[index].excluded = await ServiceDiscovery.excludedRoots(source: member.sourceDir, packed: package.packageDir, under: ".",
                                                                           environment: environment)
            for item in members[index].excluded {
                progress.status(.validateManifest, item.message, serviceID: item.serviceID, error: item.message)
            }
            do throws(ImportError) {
                let roots: [String]
                do {
                    roots = try ServiceDiscovery.roots(in: package.packageDir, under: ".")
                } catch {
                    // Every root was left out of the pack: the exclusions above say why.
                    if !members[index].excluded.isEmpty {
                        members[index].failure = ImportFailure(package: member.relative, serviceID: nil, stage: .validateManifest,
                                                               error: "no service root of the package is in its packed form")
                        continue
                    }
                    throw ImportError("\(error)")
                }
                var validated: [ValidatedRoot] = []
                for root in roots {
                    progress.status(.validateManifest, "validating \(root == "." ? "" : root + "/")service.json")
                    let manifest = try ServiceManifest.load(serviceRoot: package.packageDir + "/" + root)
                    let entry = try PackageEntry.resolve(packageDir: package.packageDir, serviceName: manifest.name)
                    let id = manifest.name
                    guard Identifier.isValid(id) else {
                        throw ImportError("invalid service id \"\(id)\" (service.json name in \(member.relative)/\(root)): must match \(Identifier.pattern)")
                    }
                    if let other = seen[id] {
                        throw ImportError("duplicate service name \"\(id)\": \(other) imports it already")
                    }
                    validated.append(ValidatedRoot(root: root, manifest: manifest, entry: entry, id: id))
                }
                for item in validated { seen[item.id] = member.relative + (item.root == "." ? "" : "/" + item.root) }
                members[index].roots = validated
            } catch {
                members[index].fail(.validateManifest, error)
            }
        }
    }

    // MARK: prepare_runtime

    private func prepareRuntimes(_ members: inout [Member]) async throws(ImportError) {
        let count = members.count
        // The runtime copies and the install plans.
        for index in members.indices where members[index].alive {
            let member = members[index]
            guard let package = member.package else { continue }
            let reinstall = request.reinstall
            do throws(ImportError) {
                try await environment.blocking("prepare runtime directory") {
                    try FileSystem.copyTree(package.packageDir, to: member.runtimeDir)
                    if let kept = package.keptNodeModules, FileSystem.isDirectory(kept) {
                        try FileSystem.removeTree(member.runtimeDir + "/node_modules")
                        try FileSystem.rename(kept, to: member.runtimeDir + "/node_modules")
                    }
                    if reinstall { try FileSystem.removeTree(member.runtimeDir + "/node_modules") }
                }
                let shipped = reinstall ? nil : NpmInstaller.installedSDKVersion(package.packageDir)
                members[index].installPlan = try installer(for: member)
                    .plan(packageDir: member.runtimeDir, shippedSDKVersion: shipped, reinstall: reinstall, includeDev: false)
            } catch {
                members[index].fail(.prepareRuntime, error)
            }
        }

        // Installs: one per share key (or per package when not shareable), two at a time.
        var groups: [[Int]] = []
        var byKey: [String: Int] = [:]
        for index in members.indices where members[index].alive && members[index].installPlan?.skipReason == nil {
            if let key = members[index].installPlan?.shareKey {
                if let group = byKey[key] {
                    groups[group].append(index)
                    continue
                }
                byKey[key] = groups.count
            }
            groups.append([index])
        }
        for index in members.indices where members[index].alive {
            if let reason = members[index].installPlan?.skipReason {
                scoped(members[index], of: count).status(.prepareRuntime, "skipping dependency install: \(reason)")
            }
        }
        let snapshot = members
        let outcomes = await mapConcurrently(groups, limit: Self.parallelism) { group -> ImportError? in
            let leader = snapshot[group[0]]
            guard let plan = leader.installPlan else { return nil }
            let shared = group.count > 1 ? " (one install shared by \(group.count) packages)" : ""
            self.scoped(leader, of: count).status(.prepareRuntime, "installing production dependencies\(shared)")
            do throws(ImportError) {
                let blocks = group.map { snapshot[$0].label }.joined(separator: ", ")
                try await self.installer(for: leader).install(plan, packageDir: leader.runtimeDir, blocks: blocks)
                let copies = group.dropFirst().map { snapshot[$0].runtimeDir }
                try await self.environment.blocking("share node_modules") {
                    for runtime in copies {
                        try FileSystem.removeTree(runtime + "/node_modules")
                        try FileSystem.copyTree(leader.runtimeDir + "/node_modules", to: runtime + "/node_modules")
                    }
                }
                return nil
            } catch {
                return error
            }
        }
        for (group, error) in zip(groups, outcomes) {
            guard let error else { continue }
            for index in group { members[index].fail(.prepareRuntime, error) }
        }

        // The SDK of each runtime: the bundled one linked from its shared copy.
        for index in members.indices where members[index].alive {
            let member = members[index]
            guard let plan = member.installPlan else { continue }
            let installer = installer(for: member)
            do throws(ImportError) {
                members[index].sdk = try await environment.blocking("provide the SDK") { try installer.finish(plan, packageDir: member.runtimeDir) }
            } catch {
                members[index].fail(.prepareRuntime, error)
            }
        }
    }

    private func installer(for member: Member) -> NpmInstaller {
        NpmInstaller(npm: npm, dependencies: LocalDependencies(source: member.package?.dependencySource ?? member.dependencySource,
                                                               sdk: environment.bundledSDK, sdkStandsIn: sdk.policy == .bundled),
                     sdk: sdk)
    }

    // MARK: compile_descriptor

    private func compile(_ members: inout [Member]) async {
        let count = members.count
        let work = members.indices.filter { members[$0].alive }.flatMap { index in members[index].roots.map { (index, $0) } }
        let snapshot = members
        let results = await mapConcurrently(work, limit: Self.parallelism) { item -> Result<ServiceCandidate, ImportError> in
            let (index, root) = item
            let member = snapshot[index]
            guard let package = member.package else { return .failure(ImportError("the package was not prepared")) }
            self.scoped(member, of: count).status(.compileDescriptor, "compiling \(root.manifest.protoFiles.joined(separator: ", "))",
                                                  serviceID: root.id)
            let output = member.staging + "/descriptor-\(root.id).protoset"
            do throws(ImportError) {
                let compiled = try await ProtocCompiler(environment: self.environment)
                    .compile(serviceRoot: package.packageDir + "/" + root.root, manifest: root.manifest, output: output)
                return .success(ServiceCandidate(serviceID: root.id, root: root.root, manifest: root.manifest, nodeEntry: root.entry,
                                                 descriptorPath: output, descriptor: compiled))
            } catch {
                return .failure(error)
            }
        }
        for (item, result) in zip(work, results) {
            switch result {
            case .success(let candidate): members[item.0].candidates.append(candidate)
            case .failure(let error):
                if members[item.0].alive {
                    members[item.0].failure = ImportFailure(package: members[item.0].relative, serviceID: item.1.id,
                                                            stage: .compileDescriptor, error: error.message)
                }
            }
        }
    }
}
