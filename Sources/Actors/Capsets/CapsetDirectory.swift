import Protocols
import Runtime

/// Owns the capset actors: creates them for new and stored capsets, routes changes to the
/// capset they concern, and tells every capset when an instance they may bind disappears.
public actor CapsetDirectory {
    private let store: StoreActor
    let publisher: RoutingPublisher
    private var actors: [String: CapsetActor] = [:]
    /// Creating and deleting capsets apply one at a time.
    private let membership = SerialGate()

    init(store: StoreActor, publisher: RoutingPublisher) {
        self.store = store
        self.publisher = publisher
    }

    /// Daemon start: one actor per stored capset, each published.
    func load() async throws(AdminError) {
        let store = self.store
        for record in try await storeCall({ try await store.capsets() }) {
            let actor = CapsetActor(id: record.id, store: store, publisher: publisher)
            actors[record.id] = actor
            try await actor.reload()
        }
    }

    func actor(_ id: String) throws(AdminError) -> CapsetActor {
        guard let actor = actors[id] else { throw AdminError.notFound("capset not found") }
        return actor
    }

    func create(_ record: CapsetRecord) async throws(AdminError) -> CapsetRecord {
        await membership.enter()
        defer { membership.leave() }
        let store = self.store
        guard let stored = try await storeCall({ try await store.insertCapset(record) }) else {
            throw AdminError.badRequest("capset \"\(record.id)\" already exists")
        }
        let actor = CapsetActor(id: record.id, store: store, publisher: publisher)
        actors[record.id] = actor
        try await actor.reload()
        return stored
    }

    func delete(_ id: String) async throws(AdminError) {
        await membership.enter()
        defer { membership.leave() }
        let store = self.store
        let actor = try self.actor(id)
        try await actor.change { () throws(AdminError) in
            guard try await storeCall({ try await store.deleteCapset(id: id) }) else { throw AdminError.notFound("capset not found") }
        }
        actors[id] = nil
    }

    /// An instance was deleted: its bindings went with it (foreign-key cascade).
    func instanceDeleted(_ instanceID: String) async {
        for actor in actors.values where await actor.binds(instanceID) {
            try? await actor.reload()
        }
    }
}

extension CapsetActor {
    /// Whether the capset binds `instanceID`.
    func binds(_ instanceID: String) -> Bool {
        bindings?.instances.contains { $0.instanceID == instanceID } ?? false
    }
}
