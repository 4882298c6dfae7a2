import Synchronization

/// HTTP/1.1 and h2c on one listening address, spread over the loops of a group.
///
/// Each accepted connection starts with a ``ProtocolDetector`` and lives on the loop that
/// accepted it. ``shutdown(gracePeriodMilliseconds:)`` stops accepting, asks every
/// connection to finish (GOAWAY on HTTP/2, `Connection: close` on HTTP/1.1), waits for
/// them up to the grace period, then closes what is left.
public final class HTTPServer: Sendable {
    public let group: EventLoopGroup
    private let contexts: [ObjectIdentifier: LoopBound<HTTPServerContext>]
    private let listener: Mutex<TCPListener?>
    private let resources: HTTPServerResources

    /// Binds `address` and starts serving `responder`.
    public init(
        address: HostPort, group: EventLoopGroup, configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
        responder: any HTTPResponder, logger: Logger = Logger()
    ) async throws(ListenError) {
        self.group = group
        let resources = HTTPServerResources(configuration: configuration, logger: logger)
        self.resources = resources
        var contexts: [ObjectIdentifier: LoopBound<HTTPServerContext>] = [:]
        for loop in group.loops {
            let context = await withCheckedContinuation { (continuation: CheckedContinuation<LoopBound<HTTPServerContext>, Never>) in
                loop.execute {
                    let context = HTTPServerContext(loop: loop, configuration: configuration, responder: responder, logger: logger,
                                                    resources: resources)
                    continuation.resume(returning: LoopBound(context, loop: loop))
                }
            }
            contexts[ObjectIdentifier(loop)] = context
        }
        self.contexts = contexts
        let frozen = contexts
        let listener = try await TCPListener(address: address, group: group) { connection in
            guard let context = frozen[ObjectIdentifier(connection.loop)]?.value else {
                connection.close()
                return
            }
            if context.registry.isShuttingDown {
                connection.close()
                return
            }
            guard let budget = Self.admit(connection, resources: resources) else { return }
            _ = ProtocolDetector(connection: connection, server: context, budget: budget)
        }
        self.listener = Mutex(listener)
    }

    /// Counts a new connection against ``HTTPServerConfiguration/maximumConnections``: nil
    /// (connection closed) beyond it; a budget marked reserved-only in the last reserved slots.
    private static func admit(_ connection: TCPConnection, resources: HTTPServerResources) -> ConnectionBudget? {
        let configuration = resources.configuration
        let count = resources.connections.add(1, ordering: .relaxed).newValue
        guard count <= configuration.maximumConnections else {
            resources.connections.subtract(1, ordering: .relaxed)
            resources.limitReached("connections", ["maximum": String(configuration.maximumConnections)])
            connection.close()
            return nil
        }
        let reserved = configuration.reservedPathPrefix != nil && count > configuration.maximumConnections - configuration.reservedConnections
        if reserved {
            resources.limitReached("unreserved_connections", ["maximum": String(configuration.maximumConnections - configuration.reservedConnections)])
        }
        return ConnectionBudget(resources: resources, reservedOnly: reserved)
    }

    /// Open connections, requests in progress and request-body bytes in memory, on all loops.
    public var usage: (connections: Int, pendingRequests: Int, bufferedBodyBytes: Int) {
        (resources.connections.load(ordering: .relaxed), resources.pendingRequests.load(ordering: .relaxed),
         resources.bufferedBodyBytes.load(ordering: .relaxed))
    }

    /// The bound address (with the real port when 0 was requested).
    public var boundAddress: HostPort {
        listener.withLock { $0?.boundAddress ?? HostPort(host: "", port: 0) }
    }

    /// Number of open connections on every loop.
    public func connectionCount() async -> Int {
        var total = 0
        for context in contexts.values {
            total += await withCheckedContinuation { continuation in
                context.loop.execute { continuation.resume(returning: context.value.registry.count) }
            }
        }
        return total
    }

    /// Stops accepting, drains connections for up to `gracePeriodMilliseconds`, then closes the rest.
    public func shutdown(gracePeriodMilliseconds: UInt64 = 10_000) async {
        let current = listener.withLock { listener -> TCPListener? in
            defer { listener = nil }
            return listener
        }
        await current?.close()
        for context in contexts.values {
            context.loop.execute { context.value.registry.beginGracefulShutdown() }
        }
        let deadline = MonotonicClock.nanoseconds() + gracePeriodMilliseconds * 1_000_000
        while await connectionCount() > 0, MonotonicClock.nanoseconds() < deadline {
            await group.loops[0].sleep(milliseconds: 20)
        }
        for context in contexts.values {
            context.loop.execute { context.value.registry.forceCloseAll() }
        }
    }
}
