import CNghttp2

/// An h2c client connection (prior knowledge) with an nghttp2 client session: many
/// concurrent streams, streamed request and response bodies, trailers, and manual flow
/// control so a proxy can acknowledge upstream bytes only once the downstream took them.
///
/// Loop-confined. Used for upstream calls to instances (health checks, the gRPC proxy).
public final class HTTP2ClientConnection: TCPConnectionDelegate, LoopFlushable {
    public struct Configuration: Sendable {
        /// Per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE).
        public var initialStreamWindowBytes: Int32 = 1 << 20
        /// Connection receive window.
        public var connectionWindowBytes: Int32 = 16 << 20
        /// Response header list limit; larger responses reset the stream.
        public var maximumHeaderListBytes: Int = 64 * 1024
        public init() {}
    }

    public let loop: EventLoop
    let connection: TCPConnection
    private let configuration: Configuration
    private let logger: Logger
    private var session: OpaquePointer!
    private var streams: [Int32: HTTP2ClientStream] = [:]
    private var output = HTTP2SessionOutput()
    private var flushScheduled = false
    public private(set) var isClosed = false
    /// The peer sent GOAWAY: no new streams may start on this connection.
    public private(set) var receivedGoAway = false
    /// Called once when the connection is closed (by either side).
    public var onClose: (() -> Void)?

    public var activeStreamCount: Int { streams.count }
    /// The peer's SETTINGS_MAX_CONCURRENT_STREAMS (nghttp2 assumes 100 until the peer's SETTINGS
    /// arrive, and keeps submitted streams beyond it queued until one closes).
    public var remoteMaximumConcurrentStreams: Int {
        Int(nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS))
    }
    /// Set by ``closeGracefully()``: close when the last stream ends.
    private var draining = false
    /// Whether new streams can be started.
    public var isUsable: Bool { !isClosed && !receivedGoAway && !draining }

    /// Connects to `host:port` and sends the client preface.
    public static func connect(
        loop: EventLoop, host: String, port: Int, configuration: Configuration = Configuration(), logger: Logger = Logger(),
        _ completion: @escaping (Result<HTTP2ClientConnection, UVError>) -> Void
    ) {
        TCPConnection.connect(loop: loop, host: host, port: port) { result in
            switch result {
            case .success(let connection):
                completion(.success(HTTP2ClientConnection(connection: connection, configuration: configuration, logger: logger)))
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }

    init(connection: TCPConnection, configuration: Configuration, logger: Logger) {
        self.connection = connection
        self.configuration = configuration
        self.logger = logger
        loop = connection.loop
        session = makeSession()
        connection.delegate = self
        var settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(configuration.initialStreamWindowBytes)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(configuration.maximumHeaderListBytes)),
        ]
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, configuration.connectionWindowBytes)
        connection.startReading()
        scheduleFlush()
    }

    deinit {
        if let session { nghttp2_session_del(session) }
    }

    private func makeSession() -> OpaquePointer {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, user in
            HTTP2ClientConnection.from(user).header(
                frame!, name: UnsafeRawBufferPointer(start: name, count: nameLength),
                value: UnsafeRawBufferPointer(start: value, count: valueLength))
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            HTTP2ClientConnection.from(user).frameReceived(frame!)
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, user in
            HTTP2ClientConnection.from(user).dataReceived(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, user in
            HTTP2ClientConnection.from(user).streamClosed(streamID: streamID, errorCode: errorCode)
        }
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        defer { nghttp2_option_del(option) }
        nghttp2_option_set_no_auto_window_update(option, 1)
        var session: OpaquePointer?
        let rc = nghttp2_session_client_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), option)
        precondition(rc == 0 && session != nil, "nghttp2_session_client_new2 failed: \(rc)")
        return session!
    }

    @inline(__always)
    static func from(_ user: UnsafeMutableRawPointer?) -> HTTP2ClientConnection {
        Unmanaged<HTTP2ClientConnection>.fromOpaque(user!).takeUnretainedValue()
    }

    // MARK: Streams

    /// Starts a request. `endStream` sends it without a body. Returns nil if the
    /// connection cannot take new streams (closed, GOAWAY, stream ids exhausted).
    public func startStream(method: String, path: String, authority: String, scheme: String = "http",
                            headers: HTTPHeaders, endStream: Bool) -> HTTP2ClientStream? {
        loop.assertInEventLoop()
        guard isUsable else { return nil }
        let stream = HTTP2ClientStream(connection: self)
        // Fields HTTP/2 forbids are dropped; usually there are none, and the list is used as is.
        func allowed(_ field: HTTPField) -> Bool {
            !HTTP2HeaderBlock.isConnectionSpecific(field.name) && !field.name.hasPrefix(":") && field.name != "host"
        }
        var filtered = headers
        if !headers.allSatisfy(allowed) {
            filtered = HTTPHeaders(capacity: headers.count)
            for field in headers where allowed(field) { filtered.addLowercased(name: field.name, value: field.value) }
        }
        let pseudo = [(":method", method), (":scheme", scheme), (":authority", authority), (":path", path)]
        let streamID: Int32 = HTTP2HeaderBlock.withNameValues(pseudo: pseudo, headers: filtered) { nva, count in
            let user = Unmanaged.passUnretained(stream).toOpaque()
            if endStream {
                return nghttp2_submit_request(session, nil, nva, count, nil, user)
            }
            var provider = octo_data_provider(user, HTTP2ClientConnection.readRequestData)
            return nghttp2_submit_request(session, nil, nva, count, &provider, user)
        }
        guard streamID > 0 else {
            logger.warning("http2_client_submit_failed", ["error": String(cString: nghttp2_strerror(streamID))])
            return nil
        }
        stream.streamID = streamID
        if endStream { stream.requestEnded = true }
        streams[streamID] = stream
        scheduleFlush()
        return stream
    }

    /// Starts `prepared` on a reusable `stream` (see ``HTTP2ClientStream/init()``) whose
    /// callbacks are already set: the prepared header array goes to nghttp2 as is and the body
    /// is read from the shared buffer, so nothing is allocated here. Returns false (and leaves
    /// the stream idle) if the connection cannot take a new stream.
    public func startStream(_ stream: HTTP2ClientStream, prepared: PreparedRequest) -> Bool {
        loop.assertInEventLoop()
        guard isUsable else { return false }
        stream.reattach(to: self, prepared: prepared)
        let user = Unmanaged.passUnretained(stream).toOpaque()
        let nva = UnsafePointer(prepared.nameValues.baseAddress!)
        let streamID: Int32
        if prepared.body.isEmpty {
            streamID = nghttp2_submit_request(session, nil, nva, prepared.nameValues.count, nil, user)
        } else {
            var provider = octo_data_provider(user, HTTP2ClientConnection.readPreparedBody)
            streamID = nghttp2_submit_request(session, nil, nva, prepared.nameValues.count, &provider, user)
        }
        guard streamID > 0 else {
            logger.warning("http2_client_submit_failed", ["error": String(cString: nghttp2_strerror(streamID))])
            stream.abandonStart()
            return false
        }
        stream.streamID = streamID
        streams[streamID] = stream
        scheduleFlush()
        return true
    }

    private static let readPreparedBody: nghttp2_data_source_read_callback = { _, _, buffer, length, flags, source, _ in
        let stream = Unmanaged<HTTP2ClientStream>.fromOpaque(octo_data_source_ptr(source!)!).takeUnretainedValue()
        guard let body = stream.prepared?.body else {
            flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            return 0
        }
        let count = min(length, body.count - stream.preparedBodyOffset)
        body.withUnsafeBufferPointer { source in
            buffer!.update(from: source.baseAddress! + stream.preparedBodyOffset, count: count)
        }
        stream.preparedBodyOffset += count
        if stream.preparedBodyOffset == body.count { flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return count
    }

    private static let readRequestData: nghttp2_data_source_read_callback = { session, streamID, buffer, length, flags, source, user in
        let stream = Unmanaged<HTTP2ClientStream>.fromOpaque(octo_data_source_ptr(source!)!).takeUnretainedValue()
        return HTTP2ClientConnection.from(user).readRequestData(stream: stream, into: buffer!, length: length, flags: flags!)
    }

    private func readRequestData(stream: HTTP2ClientStream, into buffer: UnsafeMutablePointer<UInt8>, length: Int,
                                 flags: UnsafeMutablePointer<UInt32>) -> Int {
        let copied = stream.outbound.read(into: buffer, capacity: length)
        if stream.outbound.isEmpty {
            if stream.outboundEnded {
                flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
                if let trailers = stream.outboundTrailers {
                    flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                    stream.outboundTrailers = nil
                    _ = HTTP2HeaderBlock.withNameValues(headers: trailers) { nva, count in
                        nghttp2_submit_trailer(session, stream.streamID, nva, count)
                    }
                }
            } else if copied == 0 {
                stream.deferred = true
                return Int(NGHTTP2_ERR_DEFERRED.rawValue)
            }
        }
        if copied > 0 { stream.bytesAccepted(copied) }
        return copied
    }

    func enqueue(stream: HTTP2ClientStream, _ bytes: [UInt8], end: Bool, trailers: HTTPHeaders?) {
        guard !isClosed else { return }
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

    func consume(stream: HTTP2ClientStream, _ count: Int) {
        guard !isClosed, stream.unconsumedBytes > 0 else { return }
        let n = min(count, stream.unconsumedBytes)
        stream.unconsumedBytes -= n
        nghttp2_session_consume(session, stream.streamID, n)
        scheduleFlush()
    }

    func reset(stream: HTTP2ClientStream, code: UInt32) {
        guard !isClosed, stream.streamID > 0 else { return }
        nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.streamID, code)
        scheduleFlush()
    }

    var pendingOutputBytes: Int { output.bufferedBytes + connection.pendingWriteBytes }

    // MARK: nghttp2 callbacks

    /// Runs `body` with the stream nghttp2 is calling about, found through the stream user
    /// data given at submit (no hashing) and borrowed (no retain): `streams` owns every open
    /// stream until nghttp2's close callback, after which nghttp2 calls nothing about it.
    @inline(__always)
    private func withStream(_ streamID: Int32, _ body: (HTTP2ClientStream) -> Int32) -> Int32 {
        guard let user = nghttp2_session_get_stream_user_data(session, streamID) else { return 0 }
        return Unmanaged<HTTP2ClientStream>.fromOpaque(user)._withUnsafeGuaranteedRef(body)
    }

    private func header(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Int32 {
        withStream(frame.pointee.hd.stream_id) { stream in header(stream, name: name, value: value) }
    }

    private func header(_ stream: HTTP2ClientStream, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Int32 {
        stream.headerBytes += name.count + value.count + 32
        if stream.headerBytes > configuration.maximumHeaderListBytes {
            return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        if let onHeaderField = stream.onHeaderField {
            // Borrowed fields: no strings are made. ":status" is three ASCII digits.
            if name.count == 7, name.first == UInt8(ascii: ":") {
                stream.pendingStatus = value.reduce(0) { $0 &* 10 &+ (Int($1) &- 48) }
            } else if name.first != UInt8(ascii: ":") {
                onHeaderField(name, value)
            }
            return 0
        }
        let nameString = HTTPHeaderStrings.string(name)
        let valueString = HTTPHeaderStrings.string(value)
        if nameString == ":status" {
            stream.pendingStatus = Int(valueString) ?? 0
        } else if !nameString.hasPrefix(":") {
            stream.pendingHeaders.addLowercased(name: nameString, value: valueString)
        }
        return 0
    }

    private func frameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let header = frame.pointee.hd
        let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            return withStream(header.stream_id) { stream in headersReceived(stream, endStream: endStream) }
        case NGHTTP2_DATA.rawValue:
            if endStream { return withStream(header.stream_id) { $0.responseEnded(trailers: nil); return 0 } }
        case NGHTTP2_GOAWAY.rawValue:
            receivedGoAway = true
        default:
            break
        }
        return 0
    }

    private func headersReceived(_ stream: HTTP2ClientStream, endStream: Bool) -> Int32 {
        if stream.onHeaderField != nil {
            // Fields went out one by one; nothing to collect.
            if !stream.receivedHead {
                if stream.pendingStatus >= 100 && stream.pendingStatus < 200 {
                    stream.pendingStatus = 0
                    return 0 // informational
                }
                stream.receivedHead = true
                stream.onResponseHead?(HTTPResponseHead(status: stream.pendingStatus))
            }
            if endStream { stream.responseEnded(trailers: nil) }
            return 0
        }
        // The next block (if any) is the trailers: a few fields.
        var headers = HTTPHeaders(capacity: 4)
        swap(&headers, &stream.pendingHeaders)
        if !stream.receivedHead {
            if stream.pendingStatus >= 100 && stream.pendingStatus < 200 {
                stream.pendingStatus = 0
                return 0 // informational
            }
            stream.receivedHead = true
            stream.onResponseHead?(HTTPResponseHead(status: stream.pendingStatus, headers: headers))
            if endStream { stream.responseEnded(trailers: nil) }
        } else if endStream {
            stream.responseEnded(trailers: headers)
        }
        return 0
    }

    private func dataReceived(streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        guard let user = nghttp2_session_get_stream_user_data(session, streamID) else {
            nghttp2_session_consume(session, streamID, data.count)
            return 0
        }
        return Unmanaged<HTTP2ClientStream>.fromOpaque(user)._withUnsafeGuaranteedRef { stream in
            dataReceived(stream, streamID: streamID, data)
        }
    }

    private func dataReceived(_ stream: HTTP2ClientStream, streamID: Int32, _ data: UnsafeRawBufferPointer) -> Int32 {
        guard !stream.isFinished else {
            nghttp2_session_consume(session, streamID, data.count)
            return 0
        }
        stream.unconsumedBytes += data.count
        if let onDataBytes = stream.onDataBytes {
            onDataBytes(data)
            if !stream.manualFlowControl { consume(stream: stream, data.count) }
        } else {
            stream.deliver(Array(data))
        }
        return 0
    }

    private func streamClosed(streamID: Int32, errorCode: UInt32) -> Int32 {
        guard let stream = streams.removeValue(forKey: streamID) else { return 0 }
        if stream.unconsumedBytes > 0 {
            nghttp2_session_consume_connection(session, stream.unconsumedBytes)
            stream.unconsumedBytes = 0
        }
        if !stream.isFinished {
            stream.fail(errorCode: errorCode == 0 ? NGHTTP2_INTERNAL_ERROR.rawValue : errorCode,
                        reason: "stream closed by the server (\(String(cString: nghttp2_http2_strerror(errorCode))))")
        }
        stream.detach()
        if draining, streams.isEmpty { loop.executeSoon { [self] in close() } }
        return 0
    }

    // MARK: TCPConnectionDelegate

    public func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
        guard !isClosed else { return }
        let rc = nghttp2_session_mem_recv(session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rc < 0 {
            logger.warning("http2_client_protocol_error", ["error": String(cString: nghttp2_strerror(Int32(rc)))])
            flushNow()
            close()
            return
        }
        scheduleFlush()
    }

    public func connectionDidReadEOF(_ connection: TCPConnection) {
        close()
    }

    public func connectionDidDrainWrites(_ connection: TCPConnection) {
        flushNow()
        for stream in streams.values { stream.notifyWritable() }
    }

    public func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
        isClosed = true
        let open = streams.values
        streams.removeAll()
        let reason = error.map { "connection failed: \($0)" } ?? "connection closed"
        for stream in open {
            if !stream.isFinished { stream.fail(errorCode: NGHTTP2_INTERNAL_ERROR.rawValue, reason: reason) }
            stream.detach()
        }
        let onClose = self.onClose
        self.onClose = nil
        onClose?()
    }

    /// Closes the connection; open streams fail.
    public func close() {
        loop.assertInEventLoop()
        guard !isClosed else { return }
        isClosed = true
        connection.close()
    }

    /// Takes no new streams and closes once the open ones finished.
    public func closeGracefully() {
        guard !isClosed else { return }
        draining = true
        if streams.isEmpty { close() }
    }

    // MARK: Output

    func scheduleFlush() {
        guard !flushScheduled, !isClosed else { return }
        flushScheduled = true
        loop.scheduleFlush(self)
    }

    func flushNow() {
        flushScheduled = false
        guard output.drain(session: session, to: connection, logger: logger) else { return }
        if !isClosed, nghttp2_session_want_read(session) == 0, nghttp2_session_want_write(session) == 0 {
            isClosed = true
            connection.closeAfterPendingWrites()
        }
    }
}
