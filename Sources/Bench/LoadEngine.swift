import Runtime
import Synchronization

/// Runs a ``LoadPlan``: one event loop per core (at most one per connection), each with its
/// share of the connections and of the load, then merges what the loops measured.
///
/// ```
///  run() ── connect every connection (+ handshake) ──▶ any failure: BenchError, no load sent
///        └─ common start instant ──▶ loop 0: LoadWorker ─┐
///                                    loop 1: LoadWorker ─┼─▶ merged LoadRecorder ─▶ LoadResult
///                                    …                   ┘
/// ```
public final class LoadEngine: Sendable {
    public let plan: LoadPlan
    /// Live counters for a progress display.
    public let progress: LoadProgress

    /// Gap between the end of connecting and the common start, so every loop starts together.
    static let startDelayNanoseconds: UInt64 = 5_000_000

    public init(plan: LoadPlan) throws(BenchError) {
        try plan.validate()
        self.plan = plan
        progress = LoadProgress(loops: plan.effectiveLoops)
    }

    /// Runs the load. Throws before any request is sent when a connection or its handshake
    /// fails; afterwards failures are results.
    public func run() async throws(BenchError) -> LoadResult {
        let loops = plan.effectiveLoops
        let group = EventLoopGroup(count: loops, namePrefix: "octobus-bench")
        defer { group.shutdown() }
        let interval = Timeline.interval(forExpectedDuration: expectedDuration)
        var workers: [LoopBound<LoadWorker>] = []
        for (index, loop) in group.loops.enumerated() {
            let plan = plan, progress = progress
            workers.append(await withCheckedContinuation { continuation in
                loop.execute {
                    let worker = LoadWorker(loop: loop, plan: plan, index: index, loops: loops, progress: progress, timelineInterval: interval)
                    continuation.resume(returning: LoopBound(worker, loop: loop))
                }
            })
        }
        let failures = await withTaskGroup(of: BenchError?.self) { tasks in
            for worker in workers {
                tasks.addTask {
                    await withCheckedContinuation { continuation in
                        worker.loop.execute { worker.value.connect { continuation.resume(returning: $0) } }
                    }
                }
            }
            var errors: [BenchError] = []
            for await error in tasks { if let error { errors.append(error) } }
            return errors
        }
        if let failure = failures.first {
            for worker in workers {
                await withCheckedContinuation { continuation in
                    worker.loop.execute {
                        worker.value.shutdown()
                        continuation.resume()
                    }
                }
            }
            throw failure
        }

        let startAt = MonotonicClock.nanoseconds() + Self.startDelayNanoseconds
        progress.measureStart.store(startAt + plan.warmupNanoseconds, ordering: .relaxed)
        let recorders = await withTaskGroup(of: LoadRecorder.self) { tasks in
            for worker in workers {
                tasks.addTask {
                    await withCheckedContinuation { continuation in
                        worker.loop.execute { worker.value.begin(startAt: startAt) { continuation.resume(returning: $0) } }
                    }
                }
            }
            var all: [LoadRecorder] = []
            for await recorder in tasks { all.append(recorder) }
            return all
        }
        var merged = recorders[0]
        for recorder in recorders.dropFirst() { merged.merge(recorder) }
        return LoadResult(plan: plan, loops: loops, recorder: merged)
    }

    /// How long the measured part should last, when the plan says (for the timeline's interval).
    private var expectedDuration: UInt64? {
        switch (plan.stop, plan.mode) {
        case (.duration(let nanoseconds), _): nanoseconds
        case (.count(let count), .open(let rate)): UInt64(Double(count) / rate * 1e9)
        case (.count, .closed): nil
        }
    }
}
