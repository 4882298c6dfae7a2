import Protocols
import Runtime

/// Compiles the routing table from what capset and instance actors publish, and installs it
/// on every event loop. An admin change is visible to the next call: publication returns only
/// once every loop holds the new table.
///
/// Sources: capset actors publish their ``CapsetBindings``; instance changes (started,
/// crashed, stopped, created, deleted) and imports are announced here, and their current
/// records are read back from the store, which the instance actors and the importer write.
actor RoutingPublisher {
    private let store: StoreActor
    private let loops: GatewayLoops
    private let pool: BlockingPool
    private let logger: Logger
    private var capsets: [String: CapsetBindings] = [:]
    private var endpoints: [String: InstanceEndpoint] = [:]
    private var services: [String: ServiceSnapshot] = [:]
    private var generation: UInt64 = 0
    /// The most recently compiled table.
    private(set) var table = RoutingTable.empty

    init(store: StoreActor, loops: GatewayLoops, pool: BlockingPool, logger: Logger) {
        self.store = store
        self.loops = loops
        self.pool = pool
        self.logger = logger
    }

    /// Loads every service and instance (capsets arrive from their actors).
    func loadInstancesAndServices() async {
        await reloadServices()
        await reloadEndpoints()
        await republish()
    }

    func publishCapset(_ bindings: CapsetBindings) async {
        capsets[bindings.record.id] = bindings
        await republish()
    }

    func removeCapset(_ id: String) async {
        capsets[id] = nil
        await republish()
    }

    /// An instance was created, changed state, or was deleted.
    func instanceChanged(_ id: String) async {
        do {
            if let record = try await store.instance(id: id) {
                let mode = services[record.serviceID]?.record.runtimeMode ?? .longRunning
                endpoints[id] = InstanceEndpoint(record, mode: mode)
            } else {
                endpoints[id] = nil
            }
        } catch {
            logger.warning("routing_refresh_failed", ["instance_id": id, "error": error.description])
            return
        }
        await republish()
    }

    /// Services were imported, re-imported or deleted.
    func servicesChanged() async {
        await reloadServices()
        await reloadEndpoints()
        await republish()
    }

    private func reloadEndpoints() async {
        guard let records = try? await store.instances() else { return }
        var fresh: [String: InstanceEndpoint] = [:]
        for record in records {
            fresh[record.id] = InstanceEndpoint(record, mode: services[record.serviceID]?.record.runtimeMode ?? .longRunning)
        }
        endpoints = fresh
    }

    /// Re-reads service records; descriptor sets are decoded again only when their digest changed.
    private func reloadServices() async {
        guard let records = try? await store.services() else { return }
        var fresh: [String: ServiceSnapshot] = [:]
        for record in records {
            if let existing = services[record.id], existing.record.descriptorSHA256 == record.descriptorSHA256,
               existing.record.descriptorPath == record.descriptorPath, existing.descriptors != nil {
                fresh[record.id] = ServiceSnapshot(record: record, descriptors: existing.descriptors)
                continue
            }
            let path = record.descriptorPath
            let descriptors: DescriptorSet? = await pool.run {
                guard let bytes = try? FileSystem.readFile(path, limit: 64 << 20) else { return nil }
                return try? DescriptorSet.decode(bytes)
            }
            if descriptors == nil {
                logger.warning("service_descriptor_unreadable", ["service_id": record.id, "path": path])
            }
            fresh[record.id] = ServiceSnapshot(record: record, descriptors: descriptors)
        }
        services = fresh
    }

    private func republish() async {
        generation += 1
        let compiled = RoutingCompiler.compile(capsets: capsets, endpoints: endpoints, services: services, generation: generation)
        table = compiled
        await loops.install(compiled)
    }
}
