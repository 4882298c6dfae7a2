import CNghttp2

/// An ``HTTPServerExchange`` carried by an HTTP/2 stream. It is also the stream's
/// transport state (header accumulation, flow-control debt, outgoing DATA queue): one
/// object per stream, found from nghttp2 callbacks through the stream user-data pointer.
final class HTTP2Exchange: HTTPServerExchange {
    let streamID: Int32
    /// The owning connection, held without reference counting: it owns this stream (its
    /// `streams` table) until the stream closes, and ``detach()`` runs at that moment, so
    /// the reference is only read while `attached` is true. (Every response touches it a
    /// few times; a retain/release pair each time is measurable on small requests.)
    private unowned(unsafe) let owner: HTTP2ServerConnection
    private var attached = true

    private var connection: HTTP2ServerConnection? { attached ? owner : nil }
    private var writableCheckScheduled = false
    /// Links of the connection's open-stream list (``HTTP2OpenStreams``, which owns the
    /// streams through a manual retain): plain pointers, valid while both are listed.
    var nextOpen: Unmanaged<HTTP2Exchange>?
    var previousOpen: Unmanaged<HTTP2Exchange>?

    // Request head accumulation (before dispatch).
    var method = ""
    var path = ""
    var authority: String?
    var pendingHeaders = HTTPHeaders()
    var trailers = HTTPHeaders()
    var headerBytes = 0
    var headerCount = 0
    var headersTooLarge = false
    /// True once the head was handed to the responder.
    var isDispatched = false

    /// Body bytes delivered and not yet acknowledged with WINDOW_UPDATE.
    var unconsumedBytes = 0
    var outbound = ChunkQueue()
    var outboundEnded = false
    var outboundTrailers: HTTPHeaders?
    /// nghttp2 was told "no data yet"; it must be resumed when data arrives.
    var deferred = false

    private static let placeholderHead = HTTPRequestHead(method: "", target: "", version: .http2, headers: HTTPHeaders())

    init(connection: HTTP2ServerConnection, streamID: Int32) {
        owner = connection
        self.streamID = streamID
        super.init(loop: connection.connection.loop, request: Self.placeholderHead)
    }

    /// Builds the request head from the accumulated fields, moving them out (swaps, not
    /// copies: no reference counting for strings the head takes over).
    func takeRequestHead(remoteAddress: String) -> HTTPRequestHead {
        var method = "", target = "", authority: String? = nil, headers = HTTPHeaders()
        swap(&method, &self.method)
        swap(&target, &path)
        swap(&authority, &self.authority)
        swap(&headers, &pendingHeaders)
        return HTTPRequestHead(method: method, target: target, version: .http2, headers: headers,
                               authority: authority, remoteAddress: remoteAddress)
    }

    /// The stream is gone; later calls become no-ops.
    func detach() {
        attached = false
    }

    override var bufferedOutboundBytes: Int {
        outbound.count + (connection?.pendingOutputBytes ?? 0)
    }

    override func transportSendHead(_ head: HTTPResponseHead, endStream: Bool) {
        connection?.submitResponse(exchange: self, head: head, endStream: endStream)
    }

    override func transportSendResponse(_ head: HTTPResponseHead, body: [UInt8]) {
        guard let connection else { return }
        if body.isEmpty {
            connection.submitResponse(exchange: self, head: head, endStream: true)
        } else {
            // Queue the body first so nghttp2 frames HEADERS and DATA in one pass.
            outbound.append(body)
            outboundEnded = true
            connection.submitResponse(exchange: self, head: head, endStream: false)
        }
    }

    override func transportSendResponse(status: Int, prepared: PreparedHeaders, body: [UInt8]) {
        guard let connection else { return }
        if !body.isEmpty {
            outbound.append(body)
            outboundEnded = true
        }
        connection.submitResponse(exchange: self, status: status, prepared: prepared, endStream: body.isEmpty)
    }

    override func transportSendBody(_ bytes: [UInt8], endStream: Bool) {
        connection?.enqueueBody(exchange: self, bytes, end: endStream)
    }

    override func transportSendTrailers(_ trailers: HTTPHeaders) {
        connection?.enqueueBody(exchange: self, [], end: true, trailers: trailers)
    }

    override func transportReset() {
        connection?.resetStream(streamID, code: NGHTTP2_CANCEL.rawValue)
    }

    override func transportConsume(_ count: Int) {
        connection?.consume(exchange: self, count)
    }

    /// Called when nghttp2 took body bytes; tells a waiting producer it may write again.
    func scheduleWritableCheck() {
        guard onWritable != nil, !writableCheckScheduled else { return }
        writableCheckScheduled = true
        loop.executeSoon { [self] in
            writableCheckScheduled = false
            notifyWritableIfNeeded()
        }
    }

    func notifyWritableIfNeeded() {
        if isWritable, let onWritable { onWritable() }
    }
}
