import Synchronization
import Testing
@testable import Runtime

/// An actor pinned to a loop, as the daemon's actors are.
actor PinnedCounter {
    let loop: EventLoop
    var count = 0
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }
    init(loop: EventLoop) { self.loop = loop }

    func increment() -> (Int, Bool) {
        count += 1
        return (count, loop.inEventLoop)
    }
}

@Suite struct EventLoopTests {
    @Test func executeRunsOnTheLoopThreadInOrder() async {
        let group = EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let order = Mutex<[Int]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for i in 0..<100 {
                loop.execute {
                    precondition(loop.inEventLoop)
                    order.withLock { $0.append(i) }
                    if i == 99 { done.resume() }
                }
            }
        }
        #expect(order.withLock { $0 } == Array(0..<100))
        #expect(!loop.inEventLoop)
    }

    @Test func actorsPinnedToALoopRunOnIt() async {
        let group = EventLoopGroup(count: 2)
        defer { group.shutdown() }
        let counter = PinnedCounter(loop: group.loops[1])
        var last = 0
        for _ in 0..<50 {
            let (value, onLoop) = await counter.increment()
            #expect(onLoop)
            last = value
        }
        #expect(last == 50)
    }

    @Test func timersFireAfterTheirDelay() async {
        let group = EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let start = MonotonicClock.nanoseconds()
        await group.loops[0].sleep(milliseconds: 50)
        let elapsed = (MonotonicClock.nanoseconds() - start) / 1_000_000
        #expect(elapsed >= 45)
        // Generous: the machine may be loaded; this only guards against a timer that never fires.
        #expect(elapsed < 30_000)
    }

    @Test func roundRobinCoversEveryLoop() {
        let group = EventLoopGroup(count: 3)
        defer { group.shutdown() }
        let picked = Set((0..<6).map { _ in ObjectIdentifier(group.next()) })
        #expect(picked.count == 3)
    }
}
