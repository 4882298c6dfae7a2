import Synchronization
@testable import Actors
@testable import Runtime

/// A ``SupervisionClock`` that moves only when the test advances it. Scheduled work runs on
/// its loop once the clock passes its due time; tests can await the next scheduling.
final class ManualClock: SupervisionClock {
    private struct Timer {
        let due: UInt64
        let delayMilliseconds: UInt64
        let loop: EventLoop
        let work: @Sendable () -> Void
    }

    private struct State {
        var now: UInt64 = 1_000_000_000
        var timers: [Timer] = []
        var scheduledDelays: [UInt64] = []
        var waiters: [CheckedContinuation<UInt64, Never>] = []
    }

    private let state = Mutex(State())

    func now() -> UInt64 { state.withLock { $0.now } }

    func schedule(on loop: EventLoop, afterMilliseconds milliseconds: UInt64, _ work: @escaping @Sendable () -> Void) {
        let waiter: CheckedContinuation<UInt64, Never>? = state.withLock { state in
            state.timers.append(Timer(due: state.now + milliseconds * 1_000_000, delayMilliseconds: milliseconds, loop: loop, work: work))
            if state.waiters.isEmpty {
                state.scheduledDelays.append(milliseconds)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: milliseconds)
    }

    /// The delay of the next timer scheduled (or one scheduled since the last call).
    func nextScheduledDelay() async -> UInt64 {
        await withCheckedContinuation { continuation in
            let ready: UInt64? = state.withLock { state in
                if !state.scheduledDelays.isEmpty { return state.scheduledDelays.removeFirst() }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Moves time forward and runs every timer that became due.
    func advance(byMilliseconds milliseconds: UInt64) {
        let due: [Timer] = state.withLock { state in
            state.now += milliseconds * 1_000_000
            let now = state.now
            let due = state.timers.filter { $0.due <= now }
            state.timers.removeAll { $0.due <= now }
            return due
        }
        for timer in due { timer.loop.execute(timer.work) }
    }

    var pendingTimerCount: Int { state.withLock { $0.timers.count } }
}
