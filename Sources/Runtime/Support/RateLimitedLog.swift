import Synchronization

/// Logs an event at most once per interval per key, with the number of occurrences that were
/// not logged in between. Limits and refusals can trigger thousands of times a second under
/// attack; the log must say so without becoming the next resource to exhaust.
public final class RateLimitedLog: Sendable {
    private struct Entry {
        var lastLogged: UInt64
        var suppressed: Int
    }

    private let logger: Logger
    private let intervalNanoseconds: UInt64
    /// Last time each key was logged and how many occurrences were dropped since. Guarded by
    /// its mutex; a handful of keys (one per limit), so the dictionary stays tiny.
    private let entries = Mutex<[String: Entry]>([:])

    public init(logger: Logger, intervalMilliseconds: UInt64 = 10_000) {
        self.logger = logger
        intervalNanoseconds = intervalMilliseconds * 1_000_000
    }

    /// Logs `message` with `fields` (plus `suppressed=<n>` when occurrences were dropped),
    /// unless an event with the same `key` was logged less than an interval ago.
    public func log(_ level: Logger.Level, key: String, _ message: String, fields: [(String, String)]) {
        let now = MonotonicClock.nanoseconds()
        let suppressed: Int? = entries.withLock { entries in
            if var entry = entries[key], now &- entry.lastLogged < intervalNanoseconds {
                entry.suppressed += 1
                entries[key] = entry
                return nil
            }
            let dropped = entries[key]?.suppressed ?? 0
            entries[key] = Entry(lastLogged: now, suppressed: 0)
            return dropped
        }
        guard let suppressed else { return }
        var all = fields
        if suppressed > 0 { all.append(("suppressed", String(suppressed))) }
        logger.log(level, message, fields: all)
    }
}
