import Synchronization

/// Facts the data path reads without awaiting an actor: published by the actors that own
/// them (the store after each change), read lock-free or under a short lock by any loop.
public final class DaemonState: Sendable {
    /// Number of imported services, for `GET /admin/v1/status`.
    public let serviceCount = Atomic<Int>(0)
    /// SHA-256 hex digests of admin tokens; empty means the admin API is open (SPEC §6).
    private let adminTokenHashes = Mutex<Set<String>>([])

    public init() {}

    public func setAdminTokenHashes(_ hashes: Set<String>) {
        adminTokenHashes.withLock { $0 = hashes }
    }

    public var hasAdminTokens: Bool { adminTokenHashes.withLock { !$0.isEmpty } }

    public func isAdminTokenHash(_ hash: String) -> Bool {
        adminTokenHashes.withLock { $0.contains(hash) }
    }
}
