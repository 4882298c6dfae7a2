/// Serves HTTP/1.1 on one TCP connection: parses requests with ``HTTP1RequestParser``,
/// hands each to the responder as an ``HTTP1Exchange``, serialises responses
/// (Content-Length, chunked or close-delimited), keeps the connection alive between
/// requests, answers `Expect: 100-continue`, and switches to HTTP/2 on `Upgrade: h2c`.
///
/// Requests are processed one at a time: bytes of a pipelined request wait until the
/// current response is complete.
final class HTTP1ServerConnection: TCPConnectionDelegate, HTTP1ParserDelegate, ServerConnection, LoopFlushable {
    private enum TimerMode { case none, head, idle, body }

    let connection: TCPConnection
    private let server: HTTPServerContext
    private let budget: ConnectionBudget
    private var parser: HTTP1RequestParser
    /// Input not yet consumed by the parser (partial heads, pipelined requests).
    private var pending: [UInt8] = []
    private var current: HTTP1Exchange?
    /// Output coalesced until the end of the loop iteration.
    private var output: [UInt8] = []
    private var flushScheduled = false
    private var keepAlive = true
    private var closing = false
    private var shuttingDown = false
    private let timer: LoopTimer
    private var timerMode = TimerMode.none
    /// Set when an `Upgrade: h2c` request was accepted: the remaining bytes belong to HTTP/2.
    private var upgrade: (head: HTTPRequestHead, settings: [UInt8])?
    private var unconsumedBodyBytes = 0
    /// True while ``process(_:)`` runs; the parser must not be reset from callbacks then.
    private var isProcessing = false
    /// Reading paused because the client does not read its responses (see
    /// ``HTTPServerConfiguration/maximumUnsentResponseBytes``); resumed when writes drain.
    private var pausedForOutput = false

    init(connection: TCPConnection, server: HTTPServerContext, budget: ConnectionBudget, initialBytes: [UInt8]) {
        self.connection = connection
        self.server = server
        self.budget = budget
        parser = HTTP1RequestParser(limits: server.configuration.http1Limits)
        parser.remoteAddress = connection.remoteAddress
        timer = LoopTimer(loop: connection.loop)
        connection.delegate = self
        server.registry.add(self)
        setTimer(.head)
        if !initialBytes.isEmpty {
            initialBytes.withUnsafeBytes { received($0) }
        }
        if !connection.isClosed { connection.startReading() }
    }

    // MARK: TCPConnectionDelegate

    func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    func connectionDidReadEOF(_ connection: TCPConnection) {
        // The client will send nothing more; finish the response in progress, if any.
        if let current, !current.isFinished {
            if !current.isRequestComplete { current.markAborted() }
            keepAlive = false
            return
        }
        connection.closeAfterPendingWrites()
    }

    func connectionDidDrainWrites(_ connection: TCPConnection) {
        current?.onWritable?()
        if pausedForOutput {
            pausedForOutput = false
            if !closing {
                connection.startReading()
                if !isProcessing { processPending() }
            }
        }
    }

    func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
        budget.connectionClosed()
        timer.close()
        current?.markAborted()
        current?.detach()
        current = nil
        server.registry.remove(self)
    }

    // MARK: Input

    private func received(_ bytes: UnsafeRawBufferPointer) {
        if closing { return }
        if !pending.isEmpty {
            pending.append(contentsOf: bytes)
            processPending()
            return
        }
        let used = process(bytes)
        if used < bytes.count, !closing {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[used...]))
            if pending.count > server.configuration.http1PipelineBufferBytes, current?.isRequestComplete == true {
                connection.stopReading()
            }
        }
    }

    private func processPending() {
        guard !pending.isEmpty, !closing, !isProcessing else { return }
        let buffered = pending
        pending = []
        let used = buffered.withUnsafeBytes { process($0) }
        if used < buffered.count, !closing {
            pending = Array(buffered[used...]) + pending
        }
    }

    /// Parses requests from `bytes` until it needs more input or must wait for a response;
    /// returns the bytes consumed. The parser is never touched re-entrantly: a response that
    /// completes inside a parser callback only marks the message done, and the loop here
    /// moves on to the next pipelined request.
    private func process(_ bytes: UnsafeRawBufferPointer) -> Int {
        isProcessing = true
        defer { isProcessing = false }
        var offset = 0
        while !closing {
            if parser.isMessageComplete {
                // Waiting for the response before reading the next request.
                guard current == nil else { return offset }
                // A client that pipelines requests without reading the responses: stop
                // answering (and reading) until it has taken what is already queued.
                if pausedForOutput { return offset }
                if output.count + connection.pendingWriteBytes > server.configuration.maximumUnsentResponseBytes {
                    flushNow()
                }
                if connection.pendingWriteBytes > server.configuration.maximumUnsentResponseBytes {
                    // The kernel refused this much: a write is queued, and its drain resumes us.
                    if !pausedForOutput {
                        pausedForOutput = true
                        connection.stopReading()
                        server.resources.limitReached("unsent_response_bytes", ["remote": connection.remoteAddress])
                    }
                    return offset
                }
                parser.reset()
            }
            if offset == bytes.count { return offset }
            let wasIdle = parser.isIdle
            let used: Int
            do {
                used = try parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...]), delegate: self)
            } catch {
                fail(status: error.status, message: error.message)
                return bytes.count
            }
            offset += used
            if wasIdle, !parser.isIdle, timerMode == .idle { setTimer(.head) }
            if let upgrade {
                self.upgrade = nil
                switchToHTTP2(head: upgrade.head, settings: upgrade.settings,
                              rest: Array(UnsafeRawBufferPointer(rebasing: bytes[offset...])))
                return bytes.count
            }
            if !parser.isMessageComplete && used == 0 { return offset }
        }
        return offset
    }

    // MARK: HTTP1ParserDelegate

    func parserDidParseHead(_ head: HTTPRequestHead, framing: HTTP1BodyFraming, expectContinue: Bool) {
        keepAlive = Self.wantsKeepAlive(head) && !shuttingDown
        if framing == .none, let settings = Self.h2cUpgradeSettings(head) {
            upgrade = (head, settings)
            return
        }
        setTimer(framing == .none ? .none : .body)
        let exchange = HTTP1Exchange(connection: self, request: head, expectContinue: expectContinue)
        current = exchange
        unconsumedBodyBytes = 0
        // A request without a body is complete before the handler sees it, so handlers can
        // answer at once without waiting for a body callback.
        if framing == .none { exchange.deliverEnd(trailers: nil) }
        if let limit = exchange.admit(budget, bodyTimeoutMilliseconds: server.configuration.bodyTimeoutMilliseconds) {
            server.resources.limitReached(limit, ["remote": connection.remoteAddress])
            exchange.abandonsRequestBody = true
            keepAlive = false
            let message = limit == "connections"
                ? "the server is at its connection limit; only admin requests are served on this connection"
                : "the server is busy (too many requests in progress); retry later"
            exchange.respond(status: 503, headers: ["content-type": "text/plain; charset=utf-8", "retry-after": "1"],
                             body: Array((message + "\n").utf8))
            return
        }
        server.responder.handle(exchange)
    }

    func parserDidParseBody(_ bytes: UnsafeRawBufferPointer) {
        // The body timer runs from the head, not from the last chunk: a byte every few
        // seconds must not keep a connection forever.
        guard let current else { return }
        unconsumedBodyBytes += bytes.count
        current.deliverBody(Array(bytes))
        if unconsumedBodyBytes > server.configuration.http1BodyBufferBytes { connection.stopReading() }
    }

    func parserDidFinishMessage(trailers: HTTPHeaders?) {
        if timerMode == .body { setTimer(.none) }
        if let current, !current.isRequestComplete { current.deliverEnd(trailers: trailers) }
    }

    // MARK: Exchange callbacks

    func bodyConsumed(_ count: Int) {
        unconsumedBodyBytes = max(0, unconsumedBodyBytes - count)
        if unconsumedBodyBytes <= server.configuration.http1BodyBufferBytes / 2, !closing {
            connection.startReading()
        }
    }

    func sendContinue() {
        append("HTTP/1.1 100 Continue\r\n\r\n")
        scheduleFlush()
    }

    func writeHead(_ head: HTTPResponseHead, for exchange: HTTP1Exchange, endStream: Bool) -> HTTP1Exchange.BodyMode {
        var mode: HTTP1Exchange.BodyMode
        let status = head.status
        if exchange.abandonsRequestBody && !exchange.isRequestComplete { keepAlive = false }
        let bodyForbidden = exchange.request.method == "HEAD" || status == 204 || status == 304 || status < 200
        if bodyForbidden {
            mode = .none
        } else if let length = head.headers["content-length"].flatMap(Int.init) {
            mode = .length(length)
        } else if endStream {
            mode = .length(0)
        } else if exchange.request.version == .http1_1 {
            mode = .chunked
        } else {
            mode = .closeDelimited
            keepAlive = false
        }
        append("HTTP/1.1 \(status) \(HTTPStatusPhrase.phrase(for: status))\r\n")
        for field in head.headers where !Self.isConnectionSpecific(field.name) {
            appendField(field.name, field.value)
        }
        switch mode {
        case .length(let n) where head.headers["content-length"] == nil: appendField("content-length", String(n))
        case .chunked: appendField("transfer-encoding", "chunked")
        default: break
        }
        if !keepAlive {
            appendField("connection", "close")
        } else if exchange.request.version == .http1_0 {
            appendField("connection", "keep-alive")
        }
        append("\r\n")
        scheduleFlush()
        return mode
    }

    func writeBody(_ bytes: [UInt8], chunked: Bool) {
        guard !bytes.isEmpty else { return }
        if chunked {
            append(String(bytes.count, radix: 16))
            append("\r\n")
            output.append(contentsOf: bytes)
            append("\r\n")
        } else {
            output.append(contentsOf: bytes)
        }
        if output.count >= 64 * 1024 { flushNow() } else { scheduleFlush() }
    }

    func writeChunkedEnd(trailers: HTTPHeaders?) {
        append("0\r\n")
        if let trailers {
            for field in trailers { appendField(field.name, field.value) }
        }
        append("\r\n")
        scheduleFlush()
    }

    /// The current response is complete: start on the next request or close.
    func responseFinished(_ exchange: HTTP1Exchange) {
        guard exchange === current else { return }
        exchange.detach()
        if !exchange.isRequestComplete && exchange.abandonsRequestBody {
            // The handler refused the body (e.g. 413): reading the rest just to skip it would
            // let a client make us swallow gigabytes, so this connection ends here. Otherwise
            // the parser reads the rest of the body, drops it, and the next request follows.
            keepAlive = false
        }
        current = nil
        if !keepAlive || closing {
            closing = true
            flushNow()
            connection.closeAfterPendingWrites()
            return
        }
        unconsumedBodyBytes = 0
        setTimer(.idle)
        if !pausedForOutput { connection.startReading() }
        // Inside process() the loop continues with the next request itself.
        if !isProcessing { processPending() }
    }

    func abortConnection() {
        closing = true
        connection.close()
    }

    var outputBufferedBytes: Int { output.count + connection.pendingWriteBytes }

    // MARK: Errors and timers

    private func fail(status: Int, message: String) {
        closing = true
        let responseStarted = current?.isHeadSent ?? false
        current?.markAborted()
        current?.detach()
        current = nil
        if !responseStarted {
            let body = Array("\(status) \(HTTPStatusPhrase.phrase(for: status)): \(message)\n".utf8)
            append("HTTP/1.1 \(status) \(HTTPStatusPhrase.phrase(for: status))\r\n")
            appendField("content-type", "text/plain; charset=utf-8")
            appendField("content-length", String(body.count))
            appendField("connection", "close")
            append("\r\n")
            output.append(contentsOf: body)
        }
        flushNow()
        connection.closeAfterPendingWrites()
        server.log("http_request_rejected", ["status": String(status), "reason": message, "remote": connection.remoteAddress])
    }

    private func setTimer(_ mode: TimerMode) {
        timerMode = mode
        let configuration = server.configuration
        switch mode {
        case .none:
            timer.stop()
        case .head:
            timer.start(afterMilliseconds: configuration.headerTimeoutMilliseconds) { [unowned self] in
                if parser.isIdle && pending.isEmpty && current == nil && outputBufferedBytes == 0 {
                    connection.close()
                } else {
                    fail(status: 408, message: "request header was not received in time")
                }
            }
        case .idle:
            timer.start(afterMilliseconds: configuration.idleTimeoutMilliseconds) { [unowned self] in
                connection.close()
            }
        case .body:
            timer.start(afterMilliseconds: configuration.bodyTimeoutMilliseconds) { [unowned self] in
                fail(status: 408, message: "request body was not received in time")
            }
        }
    }

    // MARK: Output

    private func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    private func appendField(_ name: String, _ value: String) {
        output.append(contentsOf: name.utf8)
        output.append(58)
        output.append(32)
        output.append(contentsOf: value.utf8)
        output.append(13)
        output.append(10)
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        connection.loop.scheduleFlush(self)
    }

    func flushNow() {
        flushScheduled = false
        guard !output.isEmpty else { return }
        connection.write(output)
        output.removeAll(keepingCapacity: output.capacity <= 256 * 1024)
    }

    // MARK: Shutdown

    func beginGracefulShutdown() {
        shuttingDown = true
        if current == nil && pending.isEmpty {
            closing = true
            flushNow()
            connection.closeAfterPendingWrites()
        } else {
            keepAlive = false
        }
    }

    func forceClose() {
        connection.close()
    }

    // MARK: h2c upgrade

    private func switchToHTTP2(head: HTTPRequestHead, settings: [UInt8], rest: [UInt8]) {
        timer.close()
        server.registry.remove(self)
        append("HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n")
        flushNow()
        let upgraded = head.with(version: .http2)
        _ = HTTP2ServerConnection(connection: connection, server: server, budget: budget, upgradeFrom: (upgraded, settings), initialBytes: rest)
    }

    // MARK: Helpers

    static func wantsKeepAlive(_ head: HTTPRequestHead) -> Bool {
        let tokens = head.headers.values("connection").flatMap { $0.lowercased().split(separator: ",").map { $0.trimmingASCIIWhitespace() } }
        if head.version == .http1_0 { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }

    /// The decoded HTTP2-Settings payload if the request asks for a valid h2c upgrade.
    static func h2cUpgradeSettings(_ head: HTTPRequestHead) -> [UInt8]? {
        guard head.version == .http1_1,
              let upgrade = head.headers["upgrade"],
              upgrade.lowercased().split(separator: ",").contains(where: { $0.trimmingASCIIWhitespace() == "h2c" }),
              let settings = head.headers.values("http2-settings").first,
              head.headers.values("http2-settings").count == 1 else { return nil }
        let connection = head.headers.values("connection").joined(separator: ",").lowercased()
        guard connection.contains("upgrade"), connection.contains("http2-settings") else { return nil }
        return Base64URL.decode(settings)
    }

    static func isConnectionSpecific(_ name: String) -> Bool {
        name == "connection" || name == "transfer-encoding" || name == "keep-alive" || name == "upgrade"
    }
}
