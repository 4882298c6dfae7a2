import Protocols
import Runtime
import Synchronization

/// Restarts the enabled instances of a service after a re-import (implemented by the supervisor).
public protocol InstanceRestarting: Sendable {
    func restartEnabledInstances(serviceID: String) async -> (restarted: [String], errors: [String])
}

/// Runs imports one at a time (SPEC §3): stages, commits, updates the daemon's snapshot,
/// restarts enabled instances, and reports progress events.
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

    /// Imports and returns the committed services (one, or several for recursive imports).
    /// Imports run strictly one at a time: the actor is reentrant at every `await`, and two
    /// imports must never share a staging directory or interleave their commits.
    private var importing = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private func acquire() async {
        if !importing {
            importing = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            importing = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    func run(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> [Committed] {
        await acquire()
        defer { release() }
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
                                                     package: staged.package, name: name)
            environment.logger.info("service_imported", ["service_id": service.id, "version": service.packageVersion,
                                                         "descriptor": service.descriptorVersion])
            committed.append(Committed(service: service, restarted: [], restartErrors: []))
        }
        if let count = try? await store.serviceCount() {
            state.serviceCount.store(count, ordering: .relaxed)
        }
        return committed
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
