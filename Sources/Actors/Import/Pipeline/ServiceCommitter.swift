import Protocols
import Runtime

/// Stage `commit_service` (SPEC §3.4): the staged service directory replaces
/// `artifacts/services/<id>` by rename; the previous one is kept as `.<id>.previous`
/// until the database upsert succeeds, and restored if it fails.
struct ServiceCommitter {
    let environment: ImportEnvironment
    let store: StoreActor

    /// Commits `stagedDir` (holding artifact, package/, runtime/, descriptor.protoset) as
    /// service `candidate.serviceID` and returns the stored record.
    func commit(stagedDir: String, artifactName: String, candidate: ServiceCandidate, package: PreparedPackage,
                name: String, allowScripts: Bool, sdk: SDKSource) async throws(ImportError) -> ServiceRecord {
        let id = candidate.serviceID
        let services = environment.servicesDirectory
        let final = services + "/" + id
        let previous = services + "/." + id + ".previous"
        try await environment.blocking("commit service files") {
            try FileSystem.removeTree(previous)
            if FileSystem.exists(final) { try FileSystem.rename(final, to: previous) }
            do {
                try FileSystem.rename(stagedDir, to: final)
            } catch {
                if FileSystem.exists(previous) { try? FileSystem.rename(previous, to: final) }
                throw error
            }
        }
        var record = ServiceRecord(id: id, name: name)
        record.packageSource = package.displaySource
        record.packageArtifactPath = final + "/" + artifactName
        record.packageVersion = package.version
        record.descriptorPath = final + "/descriptor.protoset"
        record.descriptorSHA256 = candidate.descriptor.sha256
        record.descriptorVersion = candidate.descriptor.version
        record.methods = candidate.descriptor.methods
        record.nodeEntry = candidate.nodeEntry
        record.serviceRoot = candidate.root
        record.runtimeMode = candidate.manifest.runtimeMode
        record.allowScripts = allowScripts
        record.sdk = sdk.recorded
        let packageRoot = final + "/package" + (candidate.root == "." ? "" : "/" + candidate.root)
        record.configSchemaPath = candidate.manifest.configSchema.map { packageRoot + "/" + $0 } ?? ""
        record.secretSchemaPath = candidate.manifest.secretSchema.map { packageRoot + "/" + $0 } ?? ""
        let artifactPath = record.packageArtifactPath
        record.packageSHA256 = try await environment.blocking("hash artifact") { try Digests.sha256Hex(file: artifactPath) }

        do {
            let stored = try await store.upsertService(record)
            try? await environment.blocking("remove previous version") { try FileSystem.removeTree(previous) }
            return stored
        } catch {
            // Roll back the files so the old version keeps serving.
            try? await environment.blocking("roll back service files") {
                try FileSystem.removeTree(final)
                if FileSystem.exists(previous) { try FileSystem.rename(previous, to: final) }
            }
            throw ImportError("commit service \(id): \(error.description)")
        }
    }
}
