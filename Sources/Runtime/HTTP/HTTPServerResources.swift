import Synchronization

/// What the server's budgets count, across every loop: open connections, requests whose
/// handling has not finished, and request bodies held in memory. Checked when a connection
/// is accepted, a request is dispatched, and a body chunk is collected.
final class HTTPServerResources: Sendable {
    let configuration: HTTPServerConfiguration
    let connections = Atomic<Int>(0)
    let pendingRequests = Atomic<Int>(0)
    let bufferedBodyBytes = Atomic<Int>(0)
    /// Limit hits, logged at most every 10 s per kind.
    let limitLog: RateLimitedLog

    init(configuration: HTTPServerConfiguration, logger: Logger) {
        self.configuration = configuration
        limitLog = RateLimitedLog(logger: logger)
    }

    /// Records a limit that refused something.
    func limitReached(_ limit: String, _ fields: KeyValuePairs<String, String> = [:]) {
        var all: [(String, String)] = [("limit", limit)]
        for (key, value) in fields { all.append((key, value)) }
        limitLog.log(.warning, key: limit, "http_limit_reached", fields: all)
    }
}

/// One connection's share of the budgets. Exchanges keep it alive until their handler let
/// go of them, which can be after the connection closed (hence atomics, not loop state).
final class ConnectionBudget: Sendable {
    let resources: HTTPServerResources
    /// The connection was accepted into the reserved slots: only reserved paths are served.
    let reservedOnly: Bool
    let pendingRequests = Atomic<Int>(0)
    let bufferedBodyBytes = Atomic<Int>(0)
    private let open = Atomic<Bool>(true)

    init(resources: HTTPServerResources, reservedOnly: Bool) {
        self.resources = resources
        self.reservedOnly = reservedOnly
    }

    /// The socket closed: its connection slot is free (once, whichever delegate saw it).
    func connectionClosed() {
        if open.exchange(false, ordering: .relaxed) {
            resources.connections.subtract(1, ordering: .relaxed)
        }
    }

    /// Why a request may not be dispatched now, or nil.
    func refusal(path: Substring) -> String? {
        let configuration = resources.configuration
        if reservedOnly, let prefix = configuration.reservedPathPrefix, !path.hasPrefix(prefix) {
            return "connections"
        }
        if resources.pendingRequests.load(ordering: .relaxed) >= configuration.maximumPendingRequests {
            return "pending_requests"
        }
        if pendingRequests.load(ordering: .relaxed) >= configuration.maximumPendingRequestsPerConnection {
            return "pending_requests_per_connection"
        }
        return nil
    }

    func requestStarted() {
        resources.pendingRequests.add(1, ordering: .relaxed)
        pendingRequests.add(1, ordering: .relaxed)
    }

    func requestReleased() {
        resources.pendingRequests.subtract(1, ordering: .relaxed)
        pendingRequests.subtract(1, ordering: .relaxed)
    }

    /// Reserves `count` body bytes; false (nothing reserved) when a budget would overflow.
    func reserveBody(_ count: Int) -> Bool {
        let configuration = resources.configuration
        let global = resources.bufferedBodyBytes.add(count, ordering: .relaxed).newValue
        let mine = bufferedBodyBytes.add(count, ordering: .relaxed).newValue
        if global > configuration.maximumBufferedBodyBytes || mine > configuration.maximumBufferedBodyBytesPerConnection {
            releaseBody(count)
            resources.limitReached(global > configuration.maximumBufferedBodyBytes ? "buffered_body_bytes" : "buffered_body_bytes_per_connection")
            return false
        }
        return true
    }

    func releaseBody(_ count: Int) {
        guard count > 0 else { return }
        resources.bufferedBodyBytes.subtract(count, ordering: .relaxed)
        bufferedBodyBytes.subtract(count, ordering: .relaxed)
    }
}
