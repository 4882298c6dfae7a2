import CNghttp2

/// Serves HTTP/2 (h2c, prior knowledge or upgraded from HTTP/1.1) on one TCP connection
/// with an nghttp2 server session.
///
/// nghttp2 does the framing, HPACK, stream states and flow-control accounting; this class
/// feeds it socket bytes (`mem_recv`), turns its callbacks into ``HTTP2Exchange``s,
/// and writes what it produces (`mem_send`) once per loop iteration. Window updates are
/// manual: a request body is acknowledged only when its exchange consumed it, so a slow
/// handler (or a slow upstream behind a proxy) slows the client down instead of
/// growing buffers.
///
/// Loop-confined.
final class HTTP2ServerConnection: TCPConnectionDelegate, ServerConnection, LoopFlushable {
    let connection: TCPConnection
    let server: HTTPServerContext
    private let budget: ConnectionBudget
    private(set) var session: OpaquePointer!
    /// Open streams (ownership; callbacks find them through the stream user-data pointer).
    private var streams = HTTP2OpenStreams()
    /// The stream whose request headers are arriving (header callbacks come in a run for
    /// one stream): spares nghttp2's stream-map lookup per field. Cleared when it closes.
    private var headerStream: Unmanaged<HTTP2Exchange>?
    private var output = HTTP2SessionOutput()
    private var flushScheduled = false
    private var closed = false
    private var goingAway = false
    private var receivedPreface = false
    /// Whether any request arrived: until one does, the shorter first-request timeout applies.
    private var hadRequest = false
    /// Client RST_STREAMs in the current window (rapid-reset defence).
    private var resetsInWindow = 0
    private var resetWindowStart: UInt64 = 0
    private let timer: LoopTimer

    init(connection: TCPConnection, server: HTTPServerContext, budget: ConnectionBudget,
         upgradeFrom upgrade: (head: HTTPRequestHead, settings: [UInt8])? = nil, initialBytes: [UInt8]) {
        self.connection = connection
        self.server = server
        self.budget = budget
        timer = LoopTimer(loop: connection.loop)
        session = makeSession()
        connection.delegate = self
        server.registry.add(self)
        submitInitialSettings()
        armTimer()
        if let upgrade { acceptUpgrade(head: upgrade.head, settings: upgrade.settings) }
        if !initialBytes.isEmpty {
            initialBytes.withUnsafeBytes { received($0) }
        }
        if !closed {
            connection.startReading()
            scheduleFlush()
        }
    }

    deinit {
        // The list holds its streams with manual retains: give them back.
        for stream in streams.removeAll() { stream.detach() }
        if let session { nghttp2_session_del(session) }
    }

    private func makeSession() -> OpaquePointer {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, user in
            HTTP2ServerConnection.with(user) { $0.beginHeaders(frame!) }
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            HTTP2ServerConnection.with(user) { $0.header(
                frame!, name: UnsafeRawBufferPointer(start: name, count: nameLength),
                value: UnsafeRawBufferPointer(start: value, count: valueLength)) }
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            HTTP2ServerConnection.with(user) { $0.frameReceived(frame!) }
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            HTTP2ServerConnection.with(user) { $0.dataReceived(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length)) }
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, user in
            HTTP2ServerConnection.with(user) { $0.streamClosed(streamID: streamID, errorCode: errorCode) }
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, user in
            HTTP2ServerConnection.with(user) { $0.frameSent(frame!) }
        }
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_no_closed_streams(option, 1)
        var session: OpaquePointer?
        let rc = nghttp2_session_server_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), option)
        precondition(rc == 0 && session != nil, "nghttp2_session_server_new2 failed: \(rc)")
        return session!
    }

    /// Calls `body` with the connection behind nghttp2's user pointer without retaining it:
    /// the session belongs to the connection, so the connection outlives every callback.
    /// (A retain/release pair per callback — a dozen callbacks per request — is measurable.)
    @inline(__always)
    static func with<R>(_ user: UnsafeMutableRawPointer?, _ body: (HTTP2ServerConnection) -> R) -> R {
        Unmanaged<HTTP2ServerConnection>.fromOpaque(user!)._withUnsafeGuaranteedRef(body)
    }

    private func submitInitialSettings() {
        let configuration = server.configuration
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: configuration.maximumConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(configuration.initialStreamWindowBytes)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(configuration.maximumHeaderListBytes)),
            // RFC 9113 deprecated the RFC 7540 priority tree (RFC 9218): saying so spares
            // nghttp2 the dependency bookkeeping and the retention of closed streams.
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES.rawValue), value: 1),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, configuration.connectionWindowBytes)
    }

    /// Stream 1 carries the HTTP/1.1 request that asked for the upgrade (RFC 7540 §3.2).
    private func acceptUpgrade(head: HTTPRequestHead, settings: [UInt8]) {
        let stream = HTTP2Exchange(connection: self, streamID: 1)
        let rc = settings.withUnsafeBufferPointer { buffer in
            nghttp2_session_upgrade2(session, buffer.baseAddress, buffer.count, head.method == "HEAD" ? 1 : 0,
                                     Unmanaged.passUnretained(stream).toOpaque())
        }
        guard rc == 0 else {
            server.log("http2_upgrade_failed", ["error": String(cString: nghttp2_strerror(rc))])
            close()
            return
        }
        receivedPreface = true
        streams.insert(stream)
        armTimer()
        dispatch(stream, head: head, requestComplete: true)
    }

    // MARK: TCPConnectionDelegate

    func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
        received(bytes)
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        guard !closed else { return }
        let rc = nghttp2_session_mem_recv(session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rc < 0 {
            server.log("http2_protocol_error", ["error": String(cString: nghttp2_strerror(Int32(rc))), "remote": connection.remoteAddress])
            // nghttp2 queued a GOAWAY for most errors; send it, then close.
            flushNow()
            connection.closeAfterPendingWrites()
            closed = true
            return
        }
        scheduleFlush()
    }

    func connectionDidReadEOF(_ connection: TCPConnection) {
        close()
    }

    func connectionDidDrainWrites(_ connection: TCPConnection) {
        flushNow()
        for stream in streams.all { stream.notifyWritableIfNeeded() }
    }

    func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
        closed = true
        budget.connectionClosed()
        timer.close()
        headerStream = nil
        for stream in streams.removeAll() {
            // Late nghttp2 callbacks for this stream must not find the released exchange.
            nghttp2_session_set_stream_user_data(session, stream.streamID, nil)
            stream.markAborted()
            stream.detach()
        }
        server.registry.remove(self)
    }

    private func close() {
        guard !closed else { return }
        closed = true
        connection.close()
    }

    // MARK: nghttp2 callbacks

    private func beginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        guard frame.pointee.hd.type == UInt8(NGHTTP2_HEADERS.rawValue),
              frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return 0 }
        let streamID = frame.pointee.hd.stream_id
        let stream = HTTP2Exchange(connection: self, streamID: streamID)
        stream.pendingHeaders.reserveCapacity(16)
        streams.insert(stream)
        nghttp2_session_set_stream_user_data(session, streamID, Unmanaged.passUnretained(stream).toOpaque())
        headerStream = Unmanaged.passUnretained(stream)
        armTimer()
        return 0
    }

    /// The exchange registered for a stream, via nghttp2's user-data pointer (no hashing).
    @inline(__always)
    private func exchange(_ streamID: Int32) -> HTTP2Exchange? {
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return nil }
        return Unmanaged<HTTP2Exchange>.fromOpaque(pointer).takeUnretainedValue()
    }

    private func header(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Int32 {
        // The hottest callback (once per header field): borrow the stream without retaining it.
        let streamID = frame.pointee.hd.stream_id
        if let cached = headerStream, let result = cached._withUnsafeGuaranteedRef({ stream in
            stream.streamID == streamID ? header(stream: stream, name: name, value: value) : nil
        }) {
            return result
        }
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return 0 }
        return Unmanaged<HTTP2Exchange>.fromOpaque(pointer)._withUnsafeGuaranteedRef { header(stream: $0, name: name, value: value) }
    }

    private func header(stream: HTTP2Exchange, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Int32 {
        let configuration = server.configuration
        stream.headerBytes += name.count + value.count + 32
        stream.headerCount += 1
        if stream.headerBytes > configuration.maximumHeaderListBytes || stream.headerCount > configuration.maximumHeaderCount {
            stream.headersTooLarge = true
            return 0
        }
        if stream.headersTooLarge { return 0 }
        let valueString = HTTPHeaderStrings.string(value)
        if stream.isDispatched {
            // A second header block: trailers.
            stream.trailers.addLowercased(name: HTTPHeaderStrings.string(name), value: valueString)
        } else if name.first == 58 { // ':' — nghttp2 already validated the pseudo-header set.
            switch name.count {
            case 7 where name[1] == 109: stream.method = valueString       // :method
            case 5 where name[1] == 112: stream.path = valueString         // :path
            case 10 where name[1] == 97: stream.authority = valueString    // :authority
            default: break // :scheme is implied (h2c)
            }
        } else {
            stream.pendingHeaders.addLowercased(name: HTTPHeaderStrings.string(name), value: valueString)
        }
        return 0
    }

    private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        if !receivedPreface {
            receivedPreface = true
            armTimer()
        }
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let pointer = nghttp2_session_get_stream_user_data(session, header.stream_id) else { return 0 }
            // Borrowed: the open-stream list owns the exchange while nghttp2 knows the stream.
            Unmanaged<HTTP2Exchange>.fromOpaque(pointer)._withUnsafeGuaranteedRef { stream in
                headersReceived(stream, streamID: header.stream_id, endStream: endStream)
            }
        case NGHTTP2_DATA.rawValue:
            if endStream, let stream = exchange(header.stream_id), stream.isDispatched {
                stream.deliverEnd(trailers: nil)
            }
        case NGHTTP2_RST_STREAM.rawValue:
            countClientReset()
        default:
            break
        }
        return 0
    }

    /// CVE-2023-44487 ("rapid reset"): opening streams and resetting them at once costs the
    /// client nothing and the server a dispatch each. Beyond
    /// ``HTTPServerConfiguration/maximumStreamResetsPerWindow`` resets in a window the
    /// connection is told to calm down (GOAWAY ENHANCE_YOUR_CALM) and closed.
    private func countClientReset() {
        let configuration = server.configuration
        let now = MonotonicClock.nanoseconds()
        if now &- resetWindowStart > configuration.streamResetWindowMilliseconds * 1_000_000 {
            resetWindowStart = now
            resetsInWindow = 0
        }
        resetsInWindow += 1
        guard resetsInWindow > configuration.maximumStreamResetsPerWindow, !closed else { return }
        server.resources.limitReached("stream_resets", ["remote": connection.remoteAddress,
                                                        "maximum": String(configuration.maximumStreamResetsPerWindow)])
        terminate(code: NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
    }

    /// Sends GOAWAY with `code`, then closes once it is written.
    private func terminate(code: UInt32) {
        goingAway = true
        nghttp2_session_terminate_session(session, code)
        flushNow()
        if !closed {
            closed = true
            connection.closeAfterPendingWrites()
        }
    }

    /// A complete header block: the request head (dispatched) or the request's trailers.
    private func headersReceived(_ stream: HTTP2Exchange, streamID: Int32, endStream: Bool) {
        if !stream.isDispatched {
            if stream.headersTooLarge {
                submitHeadersOnly(stream: stream, status: 431)
                return
            }
            if goingAway {
                nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, NGHTTP2_REFUSED_STREAM.rawValue)
                return
            }
            dispatch(stream, head: stream.takeRequestHead(remoteAddress: connection.remoteAddress), requestComplete: endStream)
        } else if endStream {
            stream.deliverEnd(trailers: stream.headersTooLarge ? HTTPHeaders() : stream.trailers)
        }
    }

    private func dataReceived(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        guard let stream = exchange(streamID), stream.isDispatched, !stream.isAborted else {
            // Nobody will consume these bytes: give the window back at once.
            nghttp2_session_consume(session, streamID, data.count)
            return 0
        }
        stream.unconsumedBytes += data.count
        stream.deliverBody(Array(data))
        return 0
    }

    private func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
        // Only streams with an exchange have user data; nghttp2 frees the stream after this.
        guard let pointer = nghttp2_session_get_stream_user_data(session, streamID) else { return 0 }
        if headerStream?.toOpaque() == pointer { headerStream = nil }
        let stream = streams.remove(Unmanaged<HTTP2Exchange>.fromOpaque(pointer))
        if stream.unconsumedBytes > 0 {
            nghttp2_session_consume_connection(session, stream.unconsumedBytes)
            stream.unconsumedBytes = 0
        }
        if stream.isDispatched, !stream.isFinished || !stream.isRequestComplete {
            stream.markAborted()
        }
        stream.detach()
        armTimer()
        return 0
    }

    private func frameSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        let type = UInt32(header.type)
        guard type == NGHTTP2_HEADERS.rawValue || type == NGHTTP2_DATA.rawValue,
              header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
              let stream = exchange(header.stream_id) else { return 0 }
        // The response is complete but the client is still sending: tell it to stop (RFC 9113 §8.1).
        if !stream.isRequestComplete {
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, NGHTTP2_NO_ERROR.rawValue)
        }
        return 0
    }

    // MARK: Requests

    private func dispatch(_ exchange: HTTP2Exchange, head: HTTPRequestHead, requestComplete: Bool) {
        exchange.request = head
        hadRequest = true
        if let limit = exchange.admit(budget, bodyTimeoutMilliseconds: server.configuration.bodyTimeoutMilliseconds) {
            server.resources.limitReached(limit, ["remote": connection.remoteAddress])
            if limit == "connections" {
                // Reserved slot: say why, in HTTP terms (the client did nothing wrong per stream).
                exchange.isDispatched = true
                if requestComplete { exchange.deliverEnd(trailers: nil) }
                exchange.discardBody()
                exchange.respond(status: 503, headers: ["content-type": "text/plain; charset=utf-8", "retry-after": "1"],
                                 body: Array("the server is at its connection limit; only admin requests are served on this connection\n".utf8))
            } else {
                // Too much work in progress: the client may retry the stream (RFC 9113 §8.7).
                resetStream(exchange.streamID, code: NGHTTP2_REFUSED_STREAM.rawValue)
            }
            return
        }
        exchange.isDispatched = true
        if requestComplete { exchange.deliverEnd(trailers: nil) }
        server.responder.handle(exchange)
    }

    private func submitHeadersOnly(stream: HTTP2Exchange, status: Int) {
        let rc = HTTP2HeaderBlock.withNameValues(status: status, headers: HTTPHeaders()) { nva, count in
            nghttp2_submit_response(session, stream.streamID, nva, count, nil)
        }
        if rc != 0 { resetStream(stream.streamID, code: NGHTTP2_INTERNAL_ERROR.rawValue) }
        scheduleFlush()
    }

    func submitResponse(exchange stream: HTTP2Exchange, head: HTTPResponseHead, endStream: Bool) {
        HTTP2HeaderBlock.withNameValues(status: head.status, headers: head.headers) { nva, count in
            submitResponse(stream, nva, count, endStream: endStream)
        }
    }

    func submitResponse(exchange stream: HTTP2Exchange, status: Int, prepared: PreparedHeaders, endStream: Bool) {
        HTTP2HeaderBlock.withNameValues(status: status, prepared: prepared) { nva, count in
            submitResponse(stream, nva, count, endStream: endStream)
        }
    }

    /// Submits a response head; without `endStream`, the body is pulled from the exchange's queue.
    private func submitResponse(_ stream: HTTP2Exchange, _ nva: UnsafePointer<nghttp2_nv>, _ count: Int, endStream: Bool) {
        let rc: Int32
        if endStream {
            rc = nghttp2_submit_response(session, stream.streamID, nva, count, nil)
        } else {
            var provider = octo_data_provider(Unmanaged.passUnretained(stream).toOpaque(), HTTP2ServerConnection.readResponseData)
            rc = nghttp2_submit_response(session, stream.streamID, nva, count, &provider)
        }
        if rc != 0 {
            server.log("http2_submit_failed", ["error": String(cString: nghttp2_strerror(rc))])
            resetStream(stream.streamID, code: NGHTTP2_INTERNAL_ERROR.rawValue)
        }
        scheduleFlush()
    }

    /// nghttp2 pulls response body bytes through this callback.
    private static let readResponseData: nghttp2_data_source_read_callback = { session, streamID, buffer, length, flags, source, user in
        Unmanaged<HTTP2Exchange>.fromOpaque(octo_data_source_ptr(source!)!)._withUnsafeGuaranteedRef { stream in
            HTTP2ServerConnection.with(user) { $0.readResponseData(stream: stream, into: buffer!, length: length, flags: flags!) }
        }
    }

    private func readResponseData(stream: HTTP2Exchange, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
                                  flags: UnsafeMutablePointer<UInt32>) -> Int {
        let copied = stream.outbound.read(into: buffer, capacity: length)
        if stream.outbound.isEmpty {
            if stream.outboundEnded {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                if let trailers = stream.outboundTrailers {
                    flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                    stream.outboundTrailers = nil
                    let rc = HTTP2HeaderBlock.withNameValues(headers: trailers) { nva, count in
                        nghttp2_submit_trailer(session, stream.streamID, nva, count)
                    }
                    if rc != 0 { resetStream(stream.streamID, code: NGHTTP2_INTERNAL_ERROR.rawValue) }
                }
            } else if copied == 0 {
                stream.deferred = true
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        if copied > 0 {
            stream.onBodyBytesSent?(copied)
            stream.scheduleWritableCheck()
        }
        return copied
    }

    func enqueueBody(exchange stream: HTTP2Exchange, _ bytes: [UInt8], end: Bool, trailers: HTTPHeaders? = nil) {
        stream.outbound.append(bytes)
        if end {
            stream.outboundEnded = true
            stream.outboundTrailers = trailers
        }
        if stream.deferred {
            stream.deferred = false
            nghttp2_session_resume_data(session, stream.streamID)
        }
        scheduleFlush()
    }

    func resetStream(_ streamID: Int32, code: UInt32) {
        guard !closed else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, code)
        scheduleFlush()
    }

    func consume(exchange stream: HTTP2Exchange, _ count: Int) {
        guard !closed, stream.unconsumedBytes > 0 else { return }
        let n = min(count, stream.unconsumedBytes)
        stream.unconsumedBytes -= n
        nghttp2_session_consume(session, stream.streamID, n)
        scheduleFlush()
    }

    var pendingOutputBytes: Int { output.bufferedBytes + connection.pendingWriteBytes }

    // MARK: Output

    func scheduleFlush() {
        guard !flushScheduled, !closed else { return }
        flushScheduled = true
        connection.loop.scheduleFlush(self)
    }

    func flushNow() {
        flushScheduled = false
        guard output.drain(session: session, to: connection, logger: server.logger) else { return }
        if !closed, nghttp2_session_want_read(session) == 0, nghttp2_session_want_write(session) == 0 {
            closed = true
            connection.closeAfterPendingWrites()
        }
    }

    // MARK: Timers and shutdown

    /// Preface not yet received: header timeout. No open streams: idle timeout (shorter before
    /// the first request). Otherwise none. The timer is re-armed whenever the last stream
    /// closes — once per request on a sequential connection — so its callbacks are made once.
    private func armTimer() {
        guard !closed else { return }
        if !receivedPreface {
            timer.start(afterMilliseconds: server.configuration.headerTimeoutMilliseconds, closeOnTimeout)
        } else if streams.isEmpty {
            let configuration = server.configuration
            timer.start(afterMilliseconds: hadRequest ? configuration.idleTimeoutMilliseconds : configuration.firstRequestTimeoutMilliseconds,
                        goAwayOnTimeout)
        } else {
            timer.stop()
        }
    }

    private lazy var closeOnTimeout: () -> Void = { [unowned self] in close() }
    private lazy var goAwayOnTimeout: () -> Void = { [unowned self] in beginGracefulShutdown() }

    func beginGracefulShutdown() {
        guard !goingAway, !closed else { return }
        goingAway = true
        let lastStreamID = nghttp2_session_get_last_proc_stream_id(session)
        nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, NGHTTP2_NO_ERROR.rawValue, nil, 0)
        flushNow()
    }

    func forceClose() {
        close()
    }
}

