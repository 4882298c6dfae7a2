import Runtime
import Synchronization

/// Collects which tokens were used, for `last_used_at` (SPEC §6, §8.8) without a SQLite write
/// per request: the request path raises a flag (a lock is taken only the first time a token
/// is seen after a flush), and the daemon flushes the collected tokens to the store once a
/// second, off the request path — at most one write per token per second.
public final class TokenUsageRecorder: Sendable {
    /// Credentials used since the last flush. Guarded by its mutex; appended at most once
    /// per credential per flush (the credential's flag filters repeats lock-free).
    private let pending = Mutex<[TokenCredential]>([])

    public init() {}

    /// Notes that `credential` authorised a request.
    public func noteUse(_ credential: TokenCredential) {
        guard !credential.used.exchange(true, ordering: .relaxed) else { return }
        pending.withLock { $0.append(credential) }
    }

    /// The tokens used since the last call, each once; their flags are cleared.
    func drain() -> [(TokenScope, String)] {
        let used = pending.withLock { list -> [TokenCredential] in
            defer { list.removeAll(keepingCapacity: true) }
            return list
        }
        for credential in used { credential.used.store(false, ordering: .relaxed) }
        return used.map { ($0.scope, $0.id) }
    }

    /// How often used tokens are written: once a second, as the gateway issue asks.
    static let flushIntervalMilliseconds: UInt64 = 1_000

    /// Flushes to `store` every ``flushIntervalMilliseconds`` until cancelled (the last sleep
    /// ends early on cancellation and is followed by a final flush).
    func run(store: StoreActor, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Self.flushIntervalMilliseconds))
            await flush(store: store, logger: logger)
        }
    }

    func flush(store: StoreActor, logger: Logger) async {
        let used = drain()
        guard !used.isEmpty else { return }
        do {
            try await store.touchTokens(used, at: Timestamp.now().rfc3339Nano)
        } catch {
            logger.warning("token_usage_write_failed", ["error": error.description])
        }
    }
}
