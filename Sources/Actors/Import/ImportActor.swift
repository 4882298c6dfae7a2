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

    /// Imports and returns the committed services (one, or several for recursive imports).
    func run(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> [Committed] {
        await acquire(.importing)
        defer { release(.importing) }
        // Staging directories are removed before this returns, on every path: a cleanup left
        // to run later could delete the staging directory of the next import.
        let stagingNames = request.recursive
            ? [".staging-recursive-import"]
            : [".staging-\(request.serviceID ?? "")"]
        do {
            let committed = try await stageAndCommit(request, progress: progress)
            await removeStaging(stagingNames + committed.map { ".staging-\($0.service.id)" })
            return try await restartInstances(committed, request: request, progress: progress)
        } catch {
            await removeStaging(stagingNames + (request.recursive ? recursiveStagingNames : []))
            throw error
        }
    }

    /// Per-service staging directories a failed recursive import may have created.
    private var recursiveStagingNames: [String] {
        ((try? FileSystem.listDirectory(environment.servicesDirectory)) ?? []).filter { $0.hasPrefix(".staging-") }
    }

    private func removeStaging(_ names: [String]) async {
        let paths = names.map { environment.servicesDirectory + "/" + $0 }
        _ = await environment.pool.run { for path in paths { try? FileSystem.removeTree(path) } }
    }

    private func stageAndCommit(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> [Committed] {
        let pipeline = ImportPipeline(environment: environment, request: request, progress: progress)
        let staged = try await pipeline.stage()
        await acquire(.serviceFiles)
        defer { release(.serviceFiles) }
        var committed: [Committed] = []
        let committer = ServiceCommitter(environment: environment, store: store)
        let artifactName = String(staged.package.artifactPath.split(separator: "/").last ?? "package.tgz")
        for (index, candidate) in staged.candidates.enumerated() {
            let current = request.recursive ? index + 1 : nil
            let total = request.recursive ? staged.candidates.count : nil
            progress.status(.commitService, "committing service \(candidate.serviceID)", serviceID: request.recursive ? candidate.serviceID : nil,
                            current: current, total: total)
            let existing = try? await store.service(id: candidate.serviceID)
            let name = request.name ?? existing?.name ?? candidate.manifest.displayName ?? candidate.manifest.name
            // The staged layout for this service: artifact, package/, runtime/, descriptor.protoset.
            let serviceStaging = request.recursive
                ? environment.servicesDirectory + "/.staging-\(candidate.serviceID)"
                : staged.staging + "/commit"
            try await environment.blocking("assemble service directory") {
                try FileSystem.removeTree(serviceStaging)
                try FileSystem.createDirectories(serviceStaging, mode: 0o755)
                if request.recursive {
                    try FileSystem.copyFile(staged.package.artifactPath, to: serviceStaging + "/" + artifactName, mode: 0o644)
                    try FileSystem.copyTree(staged.package.packageDir, to: serviceStaging + "/package")
                    try FileSystem.copyTree(staged.runtimeDir, to: serviceStaging + "/runtime")
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
