import Protocols
import Runtime
import Synchronization

/// Facts the data path reads without awaiting an actor: published by the actors that own
/// them (the store after each change), read lock-free or under a short lock by any loop.
public final class DaemonState: Sendable {
    /// Number of imported services, for `GET /admin/v1/status`.
    public let serviceCount = Atomic<Int>(0)
    /// The admin tokens (hashes only); empty means no token is required (SPEC §6).
    private let adminTokenSet = Mutex<TokenSet>(.empty)
    /// Which tokens were used, flushed to `last_used_at` once a second.
    public let tokenUsage = TokenUsageRecorder()
    /// Set when shutdown begins: open-ended responses (log follow) end themselves.
    private let shuttingDown = Atomic<Bool>(false)

    public var isShuttingDown: Bool { shuttingDown.load(ordering: .relaxed) }

    func beginShutdown() { shuttingDown.store(true, ordering: .relaxed) }

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

    /// The current admin tokens (a snapshot; replaced whole when tokens change).
    public var adminTokens: TokenSet { adminTokenSet.withLock { $0 } }

    func setAdminTokens(_ tokens: TokenSet) {
        adminTokenSet.withLock { $0 = tokens }
    }
}
