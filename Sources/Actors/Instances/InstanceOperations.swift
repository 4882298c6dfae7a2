import Protocols
import Runtime

/// The admin operations on instances (SPEC §6): validation against the service's
/// schemas, persistence, and process control through the supervisor.
struct InstanceOperations: Sendable {
    let store: StoreActor
    let supervisor: InstanceSupervisor
    let pool: BlockingPool
    let logger: Logger
    /// Told about created and deleted instances (state changes come from the instance actors).
    var routing: RoutingPublisher?
    var capsets: CapsetDirectory?

    static let persistentControlUnsupported = "on-demand runtime mode does not support persistent runtime control"

    struct CreateRequest: Sendable {
        var id: String
        var serviceID: String
        var name: String?
        var config: JSONValue?
        var secret: JSONValue?
        var start: Bool
    }

    func create(_ request: CreateRequest) async throws(AdminError) -> InstanceRecord {
        try Identifier.validate(request.id, kind: "instance")
        guard !request.serviceID.isEmpty else { throw AdminError.badRequest("service_id is required") }
        guard let service = try await storeCall({ try await store.service(id: request.serviceID) }) else {
            throw AdminError.notFound("service not found")
        }
        if try await storeCall({ try await store.instance(id: request.id) }) != nil {
            throw AdminError.badRequest("instance \"\(request.id)\" already exists")
        }
        let (config, secret) = try await validate(config: request.config, secret: request.secret, service: service)
        var record = InstanceRecord(id: request.id, serviceID: service.id, name: request.name.flatMap { $0.isEmpty ? nil : $0 } ?? request.id)
        record.nodeEntry = service.nodeEntry
        record.configJSON = config
        record.configSHA256 = Digests.sha256Hex(config)
        switch service.runtimeMode {
        case .onDemand:
            record.enabled = true
            record.status = .running
        case .longRunning:
            record.enabled = request.start
            record.status = .stopped
        }
        let newRecord = record
        guard try await storeCall({ try await store.insertInstance(newRecord, secretJSON: secret) }) else {
            throw AdminError.badRequest("instance \"\(request.id)\" already exists")
        }
        try await supervisor.actor(for: newRecord.id).syncConfigFile()
        logger.info("instance_created", ["instance_id": record.id, "service_id": service.id])
        await routing?.instanceChanged(record.id)
        if service.runtimeMode == .longRunning, request.start {
            return try await supervisor.actor(for: record.id).start()
        }
        return try await existing(record.id).0
    }

    func rename(id: String, name: String) async throws(AdminError) -> InstanceRecord {
        let trimmed = name.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw AdminError.badRequest("instance name is required") }
        guard let record = try await storeCall({ try await store.renameInstance(id: id, name: trimmed) }) else {
            throw AdminError.notFound("instance not found")
        }
        return record
    }

    func delete(id: String) async throws(AdminError) {
        _ = try await existing(id)
        _ = await supervisor.actor(for: id).stop(disable: true)
        guard try await storeCall({ try await store.deleteInstance(id: id) }) else { throw AdminError.notFound("instance not found") }
        await supervisor.remove(id)
        await capsets?.instanceDeleted(id)
        await routing?.instanceChanged(id)
        // Its directory (config.json, logs, on-demand temp files) goes with it.
        let workdir = supervisor.paths.workdir(id)
        let removed: Result<Void, any Error> = await pool.run { Result { try FileSystem.removeTree(workdir) } }
        if case .failure(let error) = removed {
            logger.warning("instance_files_not_removed", ["instance_id": id, "error": "\(error)"])
        }
        logger.info("instance_deleted", ["instance_id": id])
    }

    enum Action: String {
        case start, stop, restart
    }

    func control(id: String, _ action: Action) async throws(AdminError) -> InstanceRecord {
        let (_, service) = try await existing(id)
        guard service.runtimeMode == .longRunning else { throw AdminError.badRequest(Self.persistentControlUnsupported) }
        let actor = await supervisor.actor(for: id)
        switch action {
        case .start: return try await actor.start()
        case .restart: return try await actor.restart()
        case .stop:
            guard let record = await actor.stop(disable: true) else { throw AdminError.notFound("instance not found") }
            return record
        }
    }

    /// `POST /instances/{id}/config|secret`: validate, store, then restart when asked.
    func update(id: String, config: JSONValue?, secret: JSONValue?, restart: Bool) async throws(AdminError) -> InstanceRecord {
        let (_, service) = try await existing(id)
        let path = config != nil ? service.configSchemaPath : service.secretSchemaPath
        let kind = config != nil ? "config" : "secret"
        let value = config ?? secret
        let canonical: String = try await pool.run { () throws(AdminError) -> String in
            try ConfigValidator.validate(value, schemaPath: path, kind: kind)
        }
        let updated: InstanceRecord
        if config != nil {
            updated = try await supervisor.actor(for: id).updateConfig(canonicalJSON: canonical, sha256: Digests.sha256Hex(canonical))
        } else {
            guard let record = try await storeCall({ try await store.updateInstanceSecret(id: id, secretJSON: canonical) }) else {
                throw AdminError.notFound("instance not found")
            }
            updated = record
        }
        logger.info("instance_\(kind)_updated", ["instance_id": id])
        guard restart else { return updated }
        guard service.runtimeMode == .longRunning else { throw AdminError.badRequest(Self.persistentControlUnsupported) }
        if updated.enabled {
            return try await supervisor.actor(for: id).restart()
        }
        return updated
    }

    private func existing(_ id: String) async throws(AdminError) -> (InstanceRecord, ServiceRecord) {
        guard let instance = try await storeCall({ try await store.instance(id: id) }) else { throw AdminError.notFound("instance not found") }
        guard let service = try await storeCall({ try await store.service(id: instance.serviceID) }) else {
            throw AdminError.internalError("service \"\(instance.serviceID)\" of instance \"\(id)\" is missing")
        }
        return (instance, service)
    }

    private func validate(config: JSONValue?, secret: JSONValue?, service: ServiceRecord) async throws(AdminError) -> (String, String) {
        let configPath = service.configSchemaPath
        let secretPath = service.secretSchemaPath
        return try await pool.run { () throws(AdminError) -> (String, String) in
            (try ConfigValidator.validate(config, schemaPath: configPath, kind: "config"),
             try ConfigValidator.validate(secret, schemaPath: secretPath, kind: "secret"))
        }
    }
}
