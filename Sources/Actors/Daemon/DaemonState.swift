import Protocols
import Runtime
import Synchronization

/// Facts the data path reads without awaiting an actor: published by the actors that own
/// them (the store after each change), read lock-free or under a short lock by any loop.
public final class DaemonState: Sendable {
    /// Number of imported services, for `GET /admin/v1/status`.
    public let serviceCount = Atomic<Int>(0)
    /// SHA-256 hex digests of admin tokens; empty means the admin API is open (SPEC §6).
    private let adminTokenHashes = Mutex<Set<String>>([])

    /// `GET /status` is the liveness probe everyone polls: its rendered reply is cached and
    /// rebuilt only when the service count changes.
    private let statusCache = Mutex<PreparedJSON?>(nil)

    public init() {}

    /// The current `{"status":"ok","services":n}` reply.
    func statusResponse() -> PreparedJSON {
        let count = serviceCount.load(ordering: .relaxed)
        return statusCache.withLock { cache in
            if let cache, cache.key == count { return cache }
            let fresh = PreparedJSON(key: count, .object(["status": .string("ok"), "services": .int(count)]))
            cache = fresh
            return fresh
        }
    }

    public func setAdminTokenHashes(_ hashes: Set<String>) {
        adminTokenHashes.withLock { $0 = hashes }
    }

    public var hasAdminTokens: Bool { adminTokenHashes.withLock { !$0.isEmpty } }

    public func isAdminTokenHash(_ hash: String) -> Bool {
        adminTokenHashes.withLock { $0.contains(hash) }
    }
}
