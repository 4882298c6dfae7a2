import Runtime

/// The time the supervisor's restart policy runs on: when a crashed instance is restarted
/// (the 1/2/5/10/30 s backoff) and how long a process ran (the backoff resets after a stable
/// minute). Injected so tests can step through the backoff without waiting for it.
///
/// Health checks keep real loop time: they wait for a real process to boot.
protocol SupervisionClock: Sendable {
    /// Monotonic nanoseconds.
    func now() -> UInt64
    /// Runs `work` on `loop` once `milliseconds` have passed on this clock.
    func schedule(on loop: EventLoop, afterMilliseconds milliseconds: UInt64, _ work: @escaping @Sendable () -> Void)
}

/// Real time: the monotonic clock and libuv timers.
struct LoopClock: SupervisionClock {
    func now() -> UInt64 { MonotonicClock.nanoseconds() }

    func schedule(on loop: EventLoop, afterMilliseconds milliseconds: UInt64, _ work: @escaping @Sendable () -> Void) {
        loop.schedule(afterMilliseconds: milliseconds, work)
    }
}
