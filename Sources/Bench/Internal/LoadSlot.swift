import Runtime

/// One concurrent request position on a connection: a reusable stream whose callbacks are
/// set once, and the state of the request it carries. Starting, answering and finishing a
/// request allocates nothing here.
///
/// Loop-confined. The callbacks hold the slot `unowned(unsafe)`: the worker owns every slot
/// for the whole run and clears the callbacks before it lets them go.
final class LoadSlot {
    unowned(unsafe) let connection: LoadConnection
    let stream = HTTP2ClientStream()
    /// When the request was meant to go out (open loop) or went out (closed loop).
    var intendedAt: UInt64 = 0
    var sentAt: UInt64 = 0
    var firstMessageAt: UInt64 = 0
    /// Sent during the measured part of the run (warm-up requests are not recorded).
    var measured = false
    /// Its result has been recorded (a timed-out request still waits for its stream to close).
    var settled = true
    var httpStatus = 0
    var grpcStatus = -1
    var bytesReceived = 0
    var messages = GRPCMessageCounter()
    var mcp = MCPResultScanner()

    init(connection: LoadConnection, protocolKind: BenchProtocol, countsMessages: Bool) {
        self.connection = connection
        stream.onResponseHead = { [unowned(unsafe) self] head in httpStatus = head.status }
        if protocolKind == .grpc {
            stream.onHeaderField = { [unowned(unsafe) self] name, value in
                if let status = GRPCStatusField.status(name: name, value: value) { grpcStatus = status }
            }
        } else {
            stream.onHeaderField = { _, _ in }
        }
        switch (protocolKind, countsMessages) {
        case (.grpc, true):
            stream.onDataBytes = { [unowned(unsafe) self] bytes in
                bytesReceived += bytes.count
                if messages.feed(bytes) > 0, firstMessageAt == 0 { firstMessageAt = MonotonicClock.nanoseconds() }
            }
        case (.mcp, _):
            stream.onDataBytes = { [unowned(unsafe) self] bytes in
                bytesReceived += bytes.count
                mcp.feed(bytes)
            }
        default:
            stream.onDataBytes = { [unowned(unsafe) self] bytes in bytesReceived += bytes.count }
        }
        stream.onEnd = { [unowned(unsafe) self] _ in
            connection.worker.settle(self, outcome: outcome(protocolKind))
        }
        stream.onFailure = { [unowned(unsafe) self] _, _ in
            let lost = connection.client?.isClosed ?? true
            connection.worker.settle(self, outcome: lost ? Outcome.connectionLost : Outcome.streamReset)
        }
        stream.onIdle = { [unowned(unsafe) self] in connection.worker.slotIdle(self) }
    }

    /// Sends the plan's request on this slot's connection; false if the connection cannot
    /// take it (the caller parks the slot until it reconnects).
    func start(request: PreparedRequest, intendedAt: UInt64, now: UInt64, measured: Bool) -> Bool {
        guard let client = connection.client, client.isUsable else { return false }
        self.intendedAt = intendedAt
        sentAt = now
        self.measured = measured
        settled = false
        firstMessageAt = 0
        httpStatus = 0
        grpcStatus = -1
        bytesReceived = 0
        messages.reset()
        mcp.reset()
        return client.startStream(stream, prepared: request)
    }

    /// The request ran out of time: cancelled (RST_STREAM); the slot frees once the stream closed.
    func cancel() {
        stream.cancel()
    }

    /// The outcome of a response that ended normally.
    private func outcome(_ protocolKind: BenchProtocol) -> Int {
        let http = (100...599).contains(httpStatus) ? httpStatus : 502
        switch protocolKind {
        case .grpc:
            if grpcStatus >= 0 { return grpcStatus <= 16 ? grpcStatus : 2 } // out-of-range codes are UNKNOWN
            return httpStatus == 200 ? Outcome.missingStatus : http
        case .connect:
            return http
        case .mcp:
            guard http >= 200 && http < 300 else { return http }
            if mcp.sawJSONRPCError { return Outcome.jsonRPCError }
            return mcp.sawToolError ? Outcome.toolError : http
        }
    }

    /// Drops the callbacks (and so the closures' hold on this slot) once the run is over.
    func clearCallbacks() {
        stream.onResponseHead = nil
        stream.onHeaderField = nil
        stream.onDataBytes = nil
        stream.onEnd = nil
        stream.onFailure = nil
        stream.onIdle = nil
    }
}
