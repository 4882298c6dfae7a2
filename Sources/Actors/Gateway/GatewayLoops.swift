import Runtime

/// The gateway's state on one event loop: the routing table it resolves calls from and its
/// own upstream connections. Loop-confined; found by the loop's index.
final class GatewayLoopContext {
    let loop: EventLoop
    private(set) var table = RoutingTable.empty
    let upstreams: HTTP2ConnectionPool
    /// Deadline timers of calls, reused.
    let timers: LoopTimerPool

    init(loop: EventLoop, upstreams: HTTP2ConnectionPool) {
        self.loop = loop
        self.upstreams = upstreams
        timers = LoopTimerPool(loop: loop)
    }

    /// Takes a newer table (publications may complete out of order).
    func install(_ table: RoutingTable) {
        if table.generation > self.table.generation { self.table = table }
    }
}

/// One ``GatewayLoopContext`` per loop of the group.
final class GatewayLoops: Sendable {
    private let contexts: [LoopBound<GatewayLoopContext>]

    init(group: EventLoopGroup, logger: Logger) async {
        var contexts: [LoopBound<GatewayLoopContext>] = []
        for loop in group.loops {
            contexts.append(await withCheckedContinuation { continuation in
                loop.execute {
                    let context = GatewayLoopContext(loop: loop, upstreams: HTTP2ConnectionPool(loop: loop, logger: logger))
                    continuation.resume(returning: LoopBound(context, loop: loop))
                }
            })
        }
        self.contexts = contexts
    }

    /// The context of the loop the caller runs on.
    func context(for loop: EventLoop) -> GatewayLoopContext {
        contexts[loop.index].value
    }

    /// Installs `table` on every loop; returns when all have it.
    func install(_ table: RoutingTable) async {
        for context in contexts {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                context.loop.execute {
                    context.value.install(table)
                    continuation.resume()
                }
            }
        }
    }
}
