/// What the server needs from every live connection to shut down gracefully.
protocol ServerConnection: AnyObject {
    /// Stop taking new requests; finish the ones in progress, then close.
    func beginGracefulShutdown()
    /// Close now.
    func forceClose()
}

/// The live connections of one loop. Loop-confined.
final class ConnectionRegistry {
    private var connections: [ObjectIdentifier: any ServerConnection] = [:]
    var count: Int { connections.count }
    var isShuttingDown = false

    func add(_ connection: any ServerConnection) {
        connections[ObjectIdentifier(connection)] = connection
        if isShuttingDown { connection.beginGracefulShutdown() }
    }

    func remove(_ connection: any ServerConnection) {
        connections[ObjectIdentifier(connection)] = nil
    }

    func beginGracefulShutdown() {
        isShuttingDown = true
        for connection in Array(connections.values) { connection.beginGracefulShutdown() }
    }

    func forceCloseAll() {
        for connection in Array(connections.values) { connection.forceClose() }
    }
}

/// Per-loop server state shared by the connections of that loop. Loop-confined.
final class HTTPServerContext {
    let loop: EventLoop
    let configuration: HTTPServerConfiguration
    let responder: any HTTPResponder
    let registry = ConnectionRegistry()
    let logger: Logger
    let resources: HTTPServerResources

    init(loop: EventLoop, configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger,
         resources: HTTPServerResources) {
        self.loop = loop
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.resources = resources
    }

    func log(_ message: String, _ fields: KeyValuePairs<String, String>) {
        logger.log(.info, message, fields)
    }
}
