/// Reusable timers of one loop, for work that arms a timer per request (a call's deadline):
/// taking a timer from the pool and giving it back costs no allocation, where a new
/// ``LoopTimer`` costs an object, a libuv handle and a close round trip each time.
///
/// Loop-confined.
public final class LoopTimerPool {
    private let loop: EventLoop
    private var idle: [LoopTimer] = []
    /// Timers kept for reuse at most (the rest are closed when given back).
    public let capacity: Int

    public init(loop: EventLoop, capacity: Int = 4096) {
        self.loop = loop
        self.capacity = capacity
    }

    /// A stopped timer of this loop.
    public func take() -> LoopTimer {
        loop.assertInEventLoop()
        return idle.popLast() ?? LoopTimer(loop: loop)
    }

    /// Stops `timer` and keeps it for the next ``take()``.
    public func giveBack(_ timer: LoopTimer) {
        loop.assertInEventLoop()
        timer.stop()
        timer.clearCallback()
        if idle.count < capacity { idle.append(timer) } else { timer.close() }
    }
}
