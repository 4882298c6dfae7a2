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
    func run(_ request: ImportRequest, progress: ImportProgress) async throws(ImportError) -> [Committed] {
        let pipeline = ImportPipeline(environment: environment, request: request, progress: progress)
        var staged: ImportPipeline.Staged?
        defer {
            if let staging = staged?.staging {
                let pool = environment.pool
                Task { _ = await pool.run { try? FileSystem.removeTree(staging) } }
            }
        }
        do {
            staged = try await pipeline.stage()
        } catch {
            // Staging is removed even when stage() failed part-way.
            let name = request.recursive ? ".staging-recursive-import" : ".staging-\(request.serviceID ?? "")"
            let path = environment.servicesDirectory + "/" + name
            _ = await environment.pool.run { try? FileSystem.removeTree(path) }
            throw error
        }
        guard let staged else { throw ImportError("import produced nothing") }

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
