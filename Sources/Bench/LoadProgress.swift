import Synchronization

/// Live counters for a progress display, published by each loop every
/// ``BenchLimits/sweepIntervalMilliseconds`` (not per request: the hot path stays free of
/// atomics) and read from any thread.
public final class LoadProgress: Sendable {
    /// One loop's counters (atomics cannot live in an array directly).
    private final class LoopCounters: Sendable {
        let completed = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
    }

    private let loops: [LoopCounters]
    /// Nanoseconds (`MonotonicClock`) when measuring starts; 0 until the load starts.
    public let measureStart = Atomic<UInt64>(0)

    init(loops: Int) {
        self.loops = (0..<loops).map { _ in LoopCounters() }
    }

    func publish(loop: Int, completed: Int, errors: Int) {
        loops[loop].completed.store(completed, ordering: .relaxed)
        loops[loop].errors.store(errors, ordering: .relaxed)
    }

    /// Measured requests finished so far, and how many of them failed.
    public var snapshot: (completed: Int, errors: Int) {
        (loops.reduce(0) { $0 + $1.completed.load(ordering: .relaxed) }, loops.reduce(0) { $0 + $1.errors.load(ordering: .relaxed) })
    }
}
