import Protocols
import Runtime
import Synchronization

/// Restarts the enabled instances of a service after a re-import (implemented by the supervisor).
public protocol InstanceRestarting: Sendable {
    func restartEnabledInstances(serviceID: String) async -> (restarted: [String], errors: [String])
}

/// Runs imports one at a time (SPEC §3): stages, commits, updates the daemon's snapshot,
/// restarts enabled instances, and reports progress events. Service deletes go through it
/// too, so that removing a service's files never interleaves with a commit of that service.
public actor ImportActor {
    private let environment: ImportEnvironment
    private let store: StoreActor
    private let state: DaemonState
    private let restarter: any InstanceRestarting

    init(environment: ImportEnvironment, store: StoreActor, state: DaemonState, restarter: any InstanceRestarting) {
        self.environment = environment
        self.store = store
        self.state = state
        self.restarter = restarter
    }

    /// One committed service of an import.
    struct Committed: Sendable {
        var service: ServiceRecord
        var restarted: [String]
        var restartErrors: [String]
    }

    /// Sections that must not overlap, each entered in FIFO order. The actor is reentrant at
    /// every `await`, so these are held across awaits by hand.
    private enum Gate: Hashable {
        /// A whole import: two imports must never share a staging directory or interleave their commits.
        case importing
        /// Changes to `artifacts/services/<id>` with their database rows: commits and deletes.
        case serviceFiles
    }

    private var held: Set<Gate> = []
    private var waiting: [Gate: [CheckedContinuation<Void, Never>]] = [:]

    private func acquire(_ gate: Gate) async {
        if held.insert(gate).inserted { return }
        await withCheckedContinuation { waiting[gate, default: []].append($0) }
    }

    private func release(_ gate: Gate) {
        if var queue = waiting[gate], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[gate] = queue
            next.resume()  // the gate passes straight to the next waiter
        } else {
            held.remove(gate)
        }
    }

    /// What an import did: the committed services and, for a recursive import of a directory
    /// of packages, the packages and services that were not imported.
    struct Outcome: Sendable {
        var committed: [Committed]
        var failures: [ImportFailure] = []
    }

    /// Imports and returns the committed services (one, or several for recursive imports).
    func run(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> Outcome {
        await acquire(.importing)
        defer { release(.importing) }
        // Staging directories are removed before this returns, on every path: a cleanup left
        // to run later could delete the staging directory of the next import.
        let stagingNames = request.recursive
            ? [".staging-recursive-import"]
            : [".staging-\(request.serviceID ?? "")"]
        do {
            var outcome = try await stageAndCommit(request, progress: progress)
            await removeStaging(stagingNames + outcome.committed.map { ".staging-\($0.service.id)" } + (request.recursive ? recursiveStagingNames : []))
            await Self.pruneSDKStore(environment)
            outcome.committed = try await restartInstances(outcome.committed, request: request, progress: progress)
            return outcome
        } catch {
            await removeStaging(stagingNames + (request.recursive ? recursiveStagingNames : []))
            await Self.pruneSDKStore(environment)
            throw error
        }
    }

    /// Removes shared SDK copies no runtime links to (an import that failed, or used none,
    /// or services deleted since), after the staging directories are gone.
    private static func pruneSDKStore(_ environment: ImportEnvironment) async {
        let store = SDKStore(servicesDirectory: environment.servicesDirectory)
        await environment.pool.run { store.prune(keeping: nil) }
    }

    /// Per-service staging directories a failed recursive import may have created.
    private var recursiveStagingNames: [String] {
        ((try? FileSystem.listDirectory(environment.servicesDirectory)) ?? []).filter { $0.hasPrefix(".staging-") }
    }

    private func removeStaging(_ names: [String]) async {
        let paths = names.map { environment.servicesDirectory + "/" + $0 }
        _ = await environment.pool.run { for path in paths { try? FileSystem.removeTree(path) } }
    }

    private func stageAndCommit(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> Outcome {
        let pipeline = ImportPipeline(environment: environment, request: request, progress: progress)
        if let catalog = try pipeline.catalogSource() {
            let staged = try await pipeline.stageCatalog(source: catalog.source, scanRoot: catalog.scanRoot)
            return try await commitCatalog(staged, request: request, progress: progress)
        }
        let staged = try await pipeline.stage()
        // Service roots the pack left out are reported with the result, not only as progress.
        let excluded = staged.excludedRoots.map {
            ImportFailure(package: ".", serviceID: $0.serviceID, stage: .validateManifest, error: $0.message)
        }
        return Outcome(committed: try await commit(staged, request: request, progress: progress), failures: excluded)
    }

    /// Commits each staged package of a directory of packages; a service whose commit fails
    /// joins the failures (its files rolled back), the others are committed.
    private func commitCatalog(_ outcome: CatalogImport.Outcome, request: ImportRequest,
                               progress: ImportProgress) async throws(ImportError) -> Outcome {
        var result = Outcome(committed: [], failures: outcome.failures)
        let total = outcome.staged.reduce(0) { $0 + $1.candidates.count }
        var current = 0
        for staged in outcome.staged {
            let package = staged.catalogPackage ?? staged.package.displaySource
            do throws(ImportError) {
                result.committed += try await commit(staged, request: request, progress: progress, numbering: (current, total))
            } catch {
                let ids = staged.candidates.map(\.serviceID)
                result.failures.append(ImportFailure(package: package, serviceID: ids.count == 1 ? ids[0] : nil, stage: .commitService,
                                                     error: error.message))
                progress.status(.commitService, "not imported: \(error.message)", error: error.message)
                await removeStaging(ids.map { ".staging-\($0)" })
            }
            current += staged.candidates.count
        }
        if result.committed.isEmpty {
            let reasons = result.failures.prefix(10).map { "\($0.package)\($0.serviceID.map { " (\($0))" } ?? ""): \($0.error)" }
            throw ImportError("no service was imported: " + reasons.joined(separator: "; "))
        }
        return result
    }

    /// Commits the services of one staged package (SPEC §3.4).
    private func commit(_ staged: ImportPipeline.Staged, request: ImportRequest, progress: ImportProgress,
                        numbering: (before: Int, total: Int)? = nil) async throws(ImportError) -> [Committed] {
        await acquire(.serviceFiles)
        defer { release(.serviceFiles) }
        var committed: [Committed] = []
        let committer = ServiceCommitter(environment: environment, store: store)
        let artifactName = String(staged.package.artifactPath.split(separator: "/").last ?? "package.tgz")
        // A package with one service moves its staged files; several services each get a copy.
        let moveFiles = !request.recursive || (numbering != nil && staged.candidates.count == 1)
        for (index, candidate) in staged.candidates.enumerated() {
            let current = request.recursive ? (numbering?.before ?? 0) + index + 1 : nil
            let total = request.recursive ? numbering?.total ?? staged.candidates.count : nil
            progress.status(.commitService, "committing service \(candidate.serviceID)", serviceID: request.recursive ? candidate.serviceID : nil,
                            current: current, total: total)
            let existing = try? await store.service(id: candidate.serviceID)
            let name = request.name ?? existing?.name ?? candidate.manifest.displayName ?? candidate.manifest.name
            // The staged layout for this service: artifact, package/, runtime/, descriptor.protoset.
            let serviceStaging = request.recursive
                ? environment.servicesDirectory + "/.staging-\(candidate.serviceID)"
                : staged.staging + "/commit"
            let sdkCopy = staged.sdkCopy
            let sdkStore = SDKStore(servicesDirectory: environment.servicesDirectory)
            let sdkInstall = SDKStore.installPath(runtimeDir: staged.runtimeDir)
            try await environment.blocking("assemble service directory") {
                try FileSystem.removeTree(serviceStaging)
                try FileSystem.createDirectories(serviceStaging, mode: 0o755)
                if !moveFiles {
                    try FileSystem.copyFile(staged.package.artifactPath, to: serviceStaging + "/" + artifactName, mode: 0o644)
                    try FileSystem.copyTree(staged.package.packageDir, to: serviceStaging + "/package")
                    // The bundled SDK stays one shared copy: linked again, never copied.
                    try FileSystem.copyTree(staged.runtimeDir, to: serviceStaging + "/runtime") {
                        sdkCopy != nil && staged.runtimeDir + "/" + $0 == sdkInstall
                    }
                    if let sdkCopy { try sdkStore.link(sdkCopy, into: serviceStaging + "/runtime") }
                    try FileSystem.copyFile(candidate.descriptorPath, to: serviceStaging + "/descriptor.protoset", mode: 0o644)
                } else {
                    try FileSystem.rename(staged.package.artifactPath, to: serviceStaging + "/" + artifactName)
                    try FileSystem.rename(staged.package.packageDir, to: serviceStaging + "/package")
                    try FileSystem.rename(staged.runtimeDir, to: serviceStaging + "/runtime")
                    try FileSystem.rename(candidate.descriptorPath, to: serviceStaging + "/descriptor.protoset")
                }
                chmod(serviceStaging + "/" + artifactName, 0o644)
                chmod(serviceStaging + "/descriptor.protoset", 0o644)
            }
            let service = try await committer.commit(stagedDir: serviceStaging, artifactName: artifactName, candidate: candidate,
                                                     package: staged.package, name: name, allowScripts: request.allowScripts,
                                                     sdk: staged.sdk)
            environment.logger.info("service_imported", ["service_id": service.id, "version": service.packageVersion,
                                                         "descriptor": service.descriptorVersion])
            committed.append(Committed(service: service, restarted: [], restartErrors: []))
        }
        if let count = try? await store.serviceCount() {
            state.serviceCount.store(count, ordering: .relaxed)
        }
        return committed
    }

    /// Deletes a service's row unless an instance uses it (SPEC §6), then its files:
    /// `artifacts/services/<id>` and any `.<id>.previous`. The row goes first, so a failure to
    /// remove files leaves no service pointing at missing files; that failure is logged, not
    /// returned (the service is gone either way).
    func deleteService(id: String) async throws(StoreError) -> (deleted: Bool, usedBy: String?) {
        await acquire(.serviceFiles)
        defer { release(.serviceFiles) }
        let result = try await store.deleteService(id: id)
        guard result.deleted else { return result }
        let paths = [environment.servicesDirectory + "/" + id, environment.servicesDirectory + "/." + id + ".previous"]
        let failure = await environment.pool.run { () -> String? in
            do {
                for path in paths { try FileSystem.removeTree(path) }
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let failure {
            environment.logger.warning("service_files_remove_failed", ["service_id": id, "error": failure])
        }
        return result
    }

    private func restartInstances(_ committed: [Committed], request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> [Committed] {
        var committed = committed
        for (index, item) in committed.enumerated() where item.service.runtimeMode == .longRunning {
            progress.status(.restartInstances, "restarting enabled instances of \(item.service.id)",
                            serviceID: request.recursive ? item.service.id : nil,
                            current: request.recursive ? index + 1 : nil, total: request.recursive ? committed.count : nil)
            let (restarted, errors) = await restarter.restartEnabledInstances(serviceID: item.service.id)
            committed[index].restarted = restarted
            committed[index].restartErrors = errors
        }
        return committed
    }
}

import Glibc
