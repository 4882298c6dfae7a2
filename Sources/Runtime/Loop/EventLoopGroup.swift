import Glibc
import Synchronization

/// A fixed set of event loops, one thread each (default: one per core).
/// Connections are spread over the loops; each stays on its loop for life.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    /// Round-robin cursor for ``next()``.
    private let cursor = Atomic<Int>(0)

    public init(count: Int = EventLoopGroup.defaultLoopCount, namePrefix: String = "octobus-loop") {
        precondition(count > 0, "an event loop group needs at least one loop")
        loops = (0..<count).map { EventLoop(name: "\(namePrefix)-\($0)", index: $0) }
        for loop in loops { loop.start() }
    }

    /// One loop per online core.
    public static var defaultLoopCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// The next loop in round-robin order.
    public func next() -> EventLoop {
        let index = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// Stops every loop and waits for their threads. Not callable from a loop thread.
    public func shutdown() {
        for loop in loops { loop.requestStop() }
        for loop in loops { loop.join() }
    }
}
