import CNghttp2
import Protocols
import Runtime

/// One gRPC call relayed between a client stream and an instance stream on the same loop.
///
/// Frames pass through as they arrive, without re-encoding. The two sides' flow control is
/// chained: a request DATA chunk is acknowledged to the client only once nghttp2 framed it
/// towards the instance, and a response chunk is acknowledged to the instance only once it was
/// framed towards the client — so a slow reader slows its writer down, and the gateway holds
/// about one window per stream, whatever the stream's length.
///
/// ```
///  client ──DATA──▶ exchange ──send──▶ upstream stream ──▶ instance
///          ◀─WINDOW_UPDATE── consume ◀── onBytesSent
///  client ◀──DATA── exchange ◀─sendBody── upstream ◀── instance
///          onBodyBytesSent ──▶ consume ──WINDOW_UPDATE──▶
/// ```
///
/// Outcomes: the instance's own status (headers and trailers relayed); DEADLINE_EXCEEDED when
/// the deadline passes (the upstream stream is reset); UNAVAILABLE when the instance resets the
/// stream, dies or cannot be reached; RESOURCE_EXHAUSTED for a message above the limit;
/// CANCELLED (logged only) when the client goes away, which resets the upstream stream at once.
///
/// Loop-confined.
final class GRPCProxyCall {
    private let exchange: HTTPServerExchange
    private let route: GRPCRoute
    private let configuration: GatewayConfiguration
    private let log: GatewayAccessLogger
    private let startedAt = MonotonicClock.nanoseconds()
    private var upstream: HTTP2ClientStream?
    private var requestScanner: GRPCMessageScanner
    private var responseScanner: GRPCMessageScanner
    private var deadline: LoopTimer?
    /// The backend answered trailers-only (grpc-status in its headers): sent when it ends.
    private var trailersOnlyHead: HTTPHeaders?
    private var finished = false
    /// The call's deadline budget (see ``effectiveTimeoutMilliseconds()``), read once.
    private var timeoutMilliseconds: UInt64?
    /// Where the deadline timer goes back when the call ends.
    private var timerPool: LoopTimerPool?

    init(exchange: HTTPServerExchange, route: GRPCRoute, configuration: GatewayConfiguration, log: GatewayAccessLogger) {
        self.exchange = exchange
        self.route = route
        self.configuration = configuration
        self.log = log
        requestScanner = GRPCMessageScanner(maximumMessageBytes: configuration.maximumMessageBytes)
        responseScanner = GRPCMessageScanner(maximumMessageBytes: configuration.maximumMessageBytes)
    }

    /// Connects (through the loop's pool) and starts relaying.
    func start(pool: HTTP2ConnectionPool, timers: LoopTimerPool) {
        exchange.manualFlowControl = true
        exchange.onAbort = { [self] in clientWentAway() }
        let timeout = effectiveTimeoutMilliseconds()
        timeoutMilliseconds = timeout
        if let timeout {
            let timer = timers.take()
            deadline = timer
            timerPool = timers
            timer.start(afterMilliseconds: timeout) { [self] in deadlineExpired() }
        }
        let endpoint = route.instance.endpoint
        guard let address = endpoint.address else {
            finish(.unavailable, "backend instance is not running")
            return
        }
        pool.connection(target: endpoint.instanceID, key: endpoint.connectionKey, host: address.host, port: address.port) { [self] result in
            guard !finished else { return }
            switch result {
            case .success(let connection): startStream(on: connection, authority: endpoint.authority)
            case .failure(let error):
                finish(.unavailable, "backend instance \(endpoint.instanceID) is unreachable at \(address): \(error)")
            }
        }
    }

    /// The client's `grpc-timeout`, capped at the unary deadline for unary calls (SPEC §8.2).
    private func effectiveTimeoutMilliseconds() -> UInt64? {
        let client = exchange.request.headers["grpc-timeout"].flatMap(GRPCTimeout.parseMilliseconds)
        guard route.method.descriptor.isUnary else { return client }
        return min(client ?? configuration.unaryDeadlineMilliseconds, configuration.unaryDeadlineMilliseconds)
    }

    private func startStream(on connection: HTTP2ClientConnection, authority: String) {
        var headers = HTTPHeaders(capacity: exchange.request.headers.count + 2)
        for field in exchange.request.headers where Self.forwards(field.name, credentialUsed: route.credential != nil) {
            headers.addLowercased(name: field.name, value: field.value)
        }
        headers.addLowercased(name: "te", value: "trailers")
        if let timeout = timeoutMilliseconds {
            let elapsed = (MonotonicClock.nanoseconds() - startedAt) / 1_000_000
            headers.addLowercased(name: "grpc-timeout", value: GRPCTimeout.format(milliseconds: max(1, timeout &- min(timeout, elapsed))))
        }
        guard let stream = connection.startStream(method: "POST", path: exchange.request.pathString, authority: authority,
                                                  headers: headers, endStream: false) else {
            finish(.unavailable, "backend instance \(route.instance.endpoint.instanceID) cannot take a new stream")
            return
        }
        upstream = stream
        stream.manualFlowControl = true
        stream.onResponseHead = { [self] head in responseHead(head) }
        stream.onData = { [self] bytes in responseData(bytes) }
        stream.onEnd = { [self] trailers in responseEnded(trailers) }
        stream.onFailure = { [self] code, reason in upstreamFailed(code: code, reason: reason) }
        // Chained flow control, request direction: acknowledge what the instance's stream took.
        stream.onBytesSent = { [exchange] count in exchange.consume(count) }
        // Response direction: acknowledge to the instance what the client's stream took.
        // (Through `self`, which holds the stream until `complete` clears this callback.)
        exchange.onBodyBytesSent = { [self] count in upstream?.consume(count) }
        exchange.readBody(onData: { [self] bytes in requestData(bytes) }, onEnd: { [self] trailers in
            guard !finished else { return }
            if !requestScanner.isAtMessageBoundary {
                finish(.internal, "request ended inside a message")
                return
            }
            upstream?.finish(trailers: trailers)
        })
    }

    // MARK: Client → instance

    private func requestData(_ bytes: [UInt8]) {
        guard !finished else { return }
        if case .tooLarge(let length) = requestScanner.scan(bytes) {
            finish(.resourceExhausted, "request message of \(length) bytes exceeds the limit of \(configuration.maximumMessageBytes) bytes")
            return
        }
        upstream?.send(bytes)
    }

    private func clientWentAway() {
        guard !finished else { return }
        finished = true
        upstream?.cancel()
        complete(.cancelled)
    }

    // MARK: Instance → client

    private func responseHead(_ head: HTTPResponseHead) {
        guard !finished else { return }
        guard head.status == 200 else {
            finish(GRPCStatusHeaders.code(forHTTPStatus: head.status), "backend answered HTTP \(head.status)")
            return
        }
        let headers = Self.relayable(head.headers)
        if headers["grpc-status"] != nil {
            trailersOnlyHead = headers
        } else {
            exchange.sendHead(HTTPResponseHead(status: 200, headers: headers))
        }
    }

    private func responseData(_ bytes: [UInt8]) {
        guard !finished else { return }
        if case .tooLarge(let length) = responseScanner.scan(bytes) {
            finish(.resourceExhausted, "response message of \(length) bytes exceeds the limit of \(configuration.maximumMessageBytes) bytes")
            return
        }
        exchange.sendBody(bytes)
    }

    private func responseEnded(_ trailers: HTTPHeaders?) {
        guard !finished else { return }
        if let head = trailersOnlyHead {
            finished = true
            exchange.sendHead(HTTPResponseHead(status: 200, headers: head), endStream: true)
            complete(Self.status(in: head))
            return
        }
        guard let trailers, trailers["grpc-status"] != nil else {
            finish(.internal, "backend instance \(route.instance.endpoint.instanceID) ended the stream without a gRPC status")
            return
        }
        finished = true
        exchange.sendTrailers(Self.relayable(trailers))
        complete(Self.status(in: trailers))
    }

    private func upstreamFailed(code: UInt32, reason: String) {
        guard !finished else { return }
        finish(.unavailable, "backend instance \(route.instance.endpoint.instanceID) failed the call: \(reason)")
    }

    private func deadlineExpired() {
        guard !finished else { return }
        finish(.deadlineExceeded, "deadline of \(timeoutMilliseconds ?? 0) ms exceeded")
    }

    // MARK: Ending

    /// Ends the call with a gateway status: resets the upstream stream if it is still open and
    /// answers the client (trailers-only when no response head was sent yet).
    private func finish(_ code: GRPCStatusCode, _ message: String) {
        guard !finished else { return }
        finished = true
        if let upstream, !upstream.isFinished { upstream.cancel() }
        if exchange.isHeadSent {
            exchange.sendTrailers(GRPCStatusHeaders.trailers(code, message))
        } else {
            exchange.sendHead(HTTPResponseHead(status: 200, headers: GRPCStatusHeaders.trailers(code, message, includeContentType: true)),
                              endStream: true)
        }
        complete(code)
    }

    /// Releases timers and callbacks (breaking the call ↔ exchange ↔ stream cycles) and logs.
    private func complete(_ code: GRPCStatusCode) {
        if let deadline, let timerPool { timerPool.giveBack(deadline) }
        deadline = nil
        exchange.onAbort = nil
        exchange.onBodyBytesSent = nil
        upstream = nil
        log.record(exchange, protocol: .grpc, route: route, grpcCode: code, startedAt: startedAt)
    }

    // MARK: Headers

    /// Request headers that reach the instance: not hop-by-hop, `te`, `host` or `grpc-timeout`
    /// (set by the gateway), no `x-octobus-*` control metadata except `x-octobus-ext-*`, and no
    /// `authorization` when it carried the capset token (a package must never see gateway
    /// credentials; with an open capset the header is the caller's own and passes through).
    static func forwards(_ name: String, credentialUsed: Bool) -> Bool {
        if HTTPHeaders.isConnectionSpecific(name) || name == "te" || name == "host" || name == "grpc-timeout" { return false }
        if name.hasPrefix("x-octobus-") { return name.hasPrefix("x-octobus-ext-") }
        if name == "authorization" { return !credentialUsed }
        return true
    }

    /// A backend's headers or trailers without connection-specific fields — as they are when
    /// none is present (the usual case: no copy).
    static func relayable(_ headers: HTTPHeaders) -> HTTPHeaders {
        guard headers.contains(where: { HTTPHeaders.isConnectionSpecific($0.name) }) else { return headers }
        var relayed = HTTPHeaders(capacity: headers.count)
        for field in headers where !HTTPHeaders.isConnectionSpecific(field.name) {
            relayed.addLowercased(name: field.name, value: field.value)
        }
        return relayed
    }

    static func status(in headers: HTTPHeaders) -> GRPCStatusCode {
        headers["grpc-status"].flatMap(Int.init).flatMap(GRPCStatusCode.init(rawValue:)) ?? .unknown
    }
}
