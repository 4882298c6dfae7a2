/// HTTP/2 client connections of one event loop, multiplexed across calls: per target
/// (e.g. an instance), calls share a connection until the peer's concurrent-stream limit is
/// reached; only then is another one opened. When a target's address or process changes
/// (its `key`), the old connections are told to go away (GOAWAY) and new calls get new ones,
/// while calls already running on the old ones finish.
///
/// Loop-confined: a proxied stream and its upstream connection share one loop, so no call
/// ever crosses threads.
public final class HTTP2ConnectionPool {
    private final class Target {
        var key: String
        var connections: [HTTP2ClientConnection] = []
        /// Calls waiting for a connection being opened.
        var waiters: [(Result<HTTP2ClientConnection, UVError>) -> Void] = []
        var connecting = false

        init(key: String) { self.key = key }
    }

    public let loop: EventLoop
    private let logger: Logger
    private let configuration: HTTP2ClientConnection.Configuration
    private var targets: [String: Target] = [:]

    public init(loop: EventLoop, configuration: HTTP2ClientConnection.Configuration = .init(), logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
    }

    /// Calls `completion` (on this loop, possibly synchronously) with a connection to
    /// `host:port` for `target` that can take another stream, or the connect error.
    public func connection(target name: String, key: String, host: String, port: Int,
                           _ completion: @escaping (Result<HTTP2ClientConnection, UVError>) -> Void) {
        loop.assertInEventLoop()
        let target: Target
        if let existing = targets[name], existing.key == key {
            target = existing
        } else {
            if let stale = targets[name] { retire(stale) }
            target = Target(key: key)
            targets[name] = target
        }
        target.connections.removeAll { !$0.isUsable }
        if let ready = target.connections.first(where: { $0.activeStreamCount < $0.remoteMaximumConcurrentStreams }) {
            completion(.success(ready))
            return
        }
        target.waiters.append(completion)
        if !target.connecting { open(target, name: name, host: host, port: port) }
    }

    /// Opens one more connection for `target`'s waiters. Each connection takes as many as the
    /// peer allows at once (SETTINGS_MAX_CONCURRENT_STREAMS, 100 until the peer says): streams
    /// beyond it would wait inside nghttp2 for a slot, forever if the calls before them are
    /// long-lived streams; the rest wait for the next connection.
    private func open(_ target: Target, name: String, host: String, port: Int) {
        target.connecting = true
        // The pool lives as long as its loop's gateway context (the daemon's lifetime), so the
        // callbacks hold it and the target strongly: weak references would give these objects
        // side tables and make every retain of a connection take the slow path.
        HTTP2ClientConnection.connect(loop: loop, host: host, port: port, configuration: configuration, logger: logger) {
            [self, target] result in
            target.connecting = false
            switch result {
            case .failure:
                let waiters = target.waiters
                target.waiters = []
                for waiter in waiters { waiter(result) }
            case .success(let connection):
                guard targets[name] === target else {
                    // The target changed while connecting: serve these waiters, then go away.
                    let waiters = target.waiters
                    target.waiters = []
                    connection.closeGracefully()
                    for waiter in waiters { waiter(result) }
                    return
                }
                target.connections.append(connection)
                let closed = ObjectIdentifier(connection)
                connection.onClose = { [target] in  // cleared once called: no lasting cycle
                    target.connections.removeAll { ObjectIdentifier($0) == closed }
                }
                while !target.waiters.isEmpty, connection.activeStreamCount < connection.remoteMaximumConcurrentStreams {
                    target.waiters.removeFirst()(.success(connection))
                }
                if !target.waiters.isEmpty { open(target, name: name, host: host, port: port) }
            }
        }
    }

    /// Retires every connection of `target` (e.g. the instance was deleted).
    public func forget(target name: String) {
        loop.assertInEventLoop()
        if let target = targets.removeValue(forKey: name) { retire(target) }
    }

    /// Open connections to `target` (diagnostics, tests).
    public func connectionCount(target name: String) -> Int {
        targets[name]?.connections.filter(\.isUsable).count ?? 0
    }

    private func retire(_ target: Target) {
        for connection in target.connections { connection.closeGracefully() }
        target.connections = []
    }
}
