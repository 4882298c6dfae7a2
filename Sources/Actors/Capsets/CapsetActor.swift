import Protocols
import Runtime

/// One capset (design card: one actor per capset): owns its bindings and tokens, applies the
/// admin changes to them one at a time, and publishes the result to the routing publisher.
/// The store holds the durable copy; every change is written there first (atomically where
/// it must be) and the actor's snapshot is re-read from it, so the two never disagree.
actor CapsetActor {
    let id: String
    private let store: StoreActor
    private let publisher: RoutingPublisher
    private(set) var bindings: CapsetBindings?
    /// Changes to this capset apply in arrival order (the actor is reentrant at awaits).
    private let changes = SerialGate()

    init(id: String, store: StoreActor, publisher: RoutingPublisher) {
        self.id = id
        self.store = store
        self.publisher = publisher
    }

    /// Re-reads the capset from the store and publishes it (or its removal).
    func reload() async throws(AdminError) {
        let store = self.store
        let id = self.id
        let loaded: CapsetBindings? = try await storeCall {
            guard let record = try await store.capset(id: id) else { return nil }
            return CapsetBindings(record: record, instances: try await store.capsetInstances(capsetID: id),
                                  methods: try await store.capsetMethods(capsetID: id), tokens: try await store.tokens(.capset(id)))
        }
        bindings = loaded
        if let loaded {
            await publisher.publishCapset(loaded)
        } else {
            await publisher.removeCapset(id)
        }
    }

    /// Runs one change (store writes) then republishes, serialised with other changes.
    func change<T: Sendable>(_ body: @Sendable () async throws(AdminError) -> T) async throws(AdminError) -> T {
        await changes.enter()
        defer { changes.leave() }
        let result = try await body()
        try await reload()
        return result
    }

    /// Binds an instance: all its methods now (unary ones with default tool names) unless
    /// `includeAll` is false. Atomic: a refused binding leaves nothing behind.
    func addInstance(_ instance: InstanceRecord, service: ServiceRecord, includeAll: Bool) async throws(AdminError) -> CapsetInstanceRecord {
        let binding = CapsetInstanceRecord(capsetID: id, instanceID: instance.id, serviceID: service.id, includeAllMethods: includeAll)
        let methods: [CapsetMethodRecord] = includeAll ? CapsetDefaults.methods(of: service, instanceID: instance.id, capsetID: id) : []
        let store = self.store
        return try await change { () throws(AdminError) -> CapsetInstanceRecord in
            switch try await storeCall({ try await store.bindInstance(binding, methods: methods) }) {
            case .stored: break
            case .missing: throw AdminError.notFound("capset not found")
            case .alreadyBound: throw AdminError.badRequest("instance \"\(binding.instanceID)\" is already in capset \"\(binding.capsetID)\"")
            case .toolConflict(let name): throw CapsetDefaults.toolConflict(name)
            }
            guard let stored = try await storeCall({ try await store.capsetInstances(capsetID: binding.capsetID) })
                .first(where: { $0.instanceID == binding.instanceID }) else {
                throw AdminError.internalError("binding vanished after it was stored")
            }
            return stored
        }
    }

    func removeInstance(_ instanceID: String) async throws(AdminError) {
        let store = self.store
        let id = self.id
        try await change { () throws(AdminError) in
            guard try await storeCall({ try await store.unbindInstance(capsetID: id, instanceID: instanceID) }) else {
                throw AdminError.notFound("instance \"\(instanceID)\" is not in capset \"\(id)\"")
            }
        }
    }

    func selectMethod(_ method: CapsetMethodRecord) async throws(AdminError) {
        let store = self.store
        try await change { () throws(AdminError) in
            switch try await storeCall({ try await store.selectMethod(method) }) {
            case .stored: break
            case .missing: throw AdminError.notFound("instance \"\(method.instanceID)\" is not in capset \"\(method.capsetID)\"")
            case .alreadyBound: break
            case .toolConflict(let name): throw CapsetDefaults.toolConflict(name)
            }
        }
    }

    func unselectMethod(instanceID: String, method: String) async throws(AdminError) {
        let store = self.store
        let id = self.id
        try await change { () throws(AdminError) in
            guard try await storeCall({ try await store.unselectMethod(capsetID: id, instanceID: instanceID, method: method) }) else {
                throw AdminError.notFound("method \"\(method)\" of instance \"\(instanceID)\" is not in capset \"\(id)\"")
            }
        }
    }
}
