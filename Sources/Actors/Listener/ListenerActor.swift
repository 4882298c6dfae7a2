public import Runtime

/// Owns one bound address: starts the HTTP server on it and stops it gracefully.
/// Pinned to the first loop of the group; its state is one enum, re-checked after awaits.
public actor ListenerActor {
    private enum State {
        case idle
        case listening(HTTPServer)
        case stopping
        case stopped
    }

    private let group: EventLoopGroup
    private var state = State.idle
    public nonisolated var unownedExecutor: UnownedSerialExecutor { group.loops[0].asUnownedSerialExecutor() }

    public init(group: EventLoopGroup) {
        self.group = group
    }

    /// Binds `address`; returns the address actually bound.
    public func start(address: HostPort, configuration: HTTPServerConfiguration, responder: any HTTPResponder,
                      logger: Logger) async throws(ListenError) -> HostPort {
        guard case .idle = state else { preconditionFailure("ListenerActor.start called in state \(state)") }
        let server = try await HTTPServer(address: address, group: group, configuration: configuration,
                                          responder: responder, logger: logger)
        state = .listening(server)
        return server.boundAddress
    }

    /// Requests being handled on the port right now (0 when idle or not listening).
    public var pendingRequests: Int {
        guard case .listening(let server) = state else { return 0 }
        return server.usage.pendingRequests
    }

    /// Stops accepting and drains connections within `gracePeriodMilliseconds`.
    public func stop(gracePeriodMilliseconds: UInt64) async {
        guard case .listening(let server) = state else { return }
        state = .stopping
        await server.shutdown(gracePeriodMilliseconds: gracePeriodMilliseconds)
        state = .stopped
    }
}
