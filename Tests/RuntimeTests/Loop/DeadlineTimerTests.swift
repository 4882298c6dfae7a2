import Testing
@testable import Runtime

/// The timerfd-backed timer fires at its absolute deadline, well within a millisecond on an
/// idle loop, and re-arming moves the deadline.
@Suite struct DeadlineTimerTests {
    @Test func firesAtTheDeadlineNotBefore() async throws {
        let loop = EventLoop(name: "deadline-test")
        loop.start()
        defer { loop.requestStop(); loop.join() }
        let lateness: [Int64] = await withCheckedContinuation { continuation in
            loop.execute {
                guard let timer = try? DeadlineTimer(loop: loop) else { return continuation.resume(returning: []) }
                var samples: [Int64] = []
                var deadline = MonotonicClock.nanoseconds() + 3_000_000
                timer.arm(atNanoseconds: deadline) {
                    samples.append(Int64(MonotonicClock.nanoseconds()) - Int64(deadline))
                    if samples.count == 20 {
                        timer.close()
                        continuation.resume(returning: samples)
                    } else {
                        deadline = MonotonicClock.nanoseconds() + 1_500_000
                        timer.rearm(atNanoseconds: deadline)
                    }
                }
            }
        }
        #expect(lateness.count == 20)
        #expect(lateness.allSatisfy { $0 >= 0 }, "fired early: \(lateness)")
        // Median lateness: a libuv timer would be up to a whole millisecond late.
        let median = lateness.sorted()[lateness.count / 2]
        #expect(median < 500_000, "median lateness \(median) ns")
    }

    @Test func aPastDeadlineFiresAtOnce() async throws {
        let loop = EventLoop(name: "deadline-past")
        loop.start()
        defer { loop.requestStop(); loop.join() }
        let fired: Bool = await withCheckedContinuation { continuation in
            loop.execute {
                guard let timer = try? DeadlineTimer(loop: loop) else { return continuation.resume(returning: false) }
                timer.arm(atNanoseconds: 1) {
                    timer.close()
                    continuation.resume(returning: true)
                }
            }
        }
        #expect(fired)
    }
}
