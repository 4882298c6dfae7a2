/// Crash-restart delays (SPEC §5.1): 1 s, 2 s, 5 s, 10 s, then 30 s for every further
/// consecutive failure. The count resets once an instance has stayed up for
/// ``stablePeriodMilliseconds`` (upstream never reset it; SPEC §13.7).
struct RestartBackoff: Sendable {
    static let delaysMilliseconds: [UInt64] = [1_000, 2_000, 5_000, 10_000, 30_000]
    /// Running this long counts as recovered.
    static let stablePeriodMilliseconds: UInt64 = 60_000

    private(set) var consecutiveFailures = 0

    /// Records a failure and returns how long to wait before the next attempt.
    mutating func nextDelay() -> UInt64 {
        consecutiveFailures += 1
        return Self.delaysMilliseconds[min(consecutiveFailures - 1, Self.delaysMilliseconds.count - 1)]
    }

    /// Called when a process exits: if it had been up long enough, the streak is over.
    mutating func processRan(forMilliseconds duration: UInt64) {
        if duration >= Self.stablePeriodMilliseconds { consecutiveFailures = 0 }
    }

    mutating func reset() { consecutiveFailures = 0 }
}
