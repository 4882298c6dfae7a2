import CNghttp2

/// An ``HTTPServerExchange`` carried by an HTTP/2 stream.
final class HTTP2Exchange: HTTPServerExchange {
    private weak var connection: HTTP2ServerConnection?
    private unowned let stream: HTTP2ServerStream
    private var writableCheckScheduled = false

    init(connection: HTTP2ServerConnection, stream: HTTP2ServerStream, request: HTTPRequestHead) {
        self.connection = connection
        self.stream = stream
        super.init(loop: connection.connection.loop, request: request)
    }

    /// The stream is gone; later calls become no-ops.
    func detach() {
        connection = nil
    }

    override var bufferedOutboundBytes: Int {
        stream.outbound.count + (connection?.pendingOutputBytes ?? 0)
    }

    override func transportSendHead(_ head: HTTPResponseHead, endStream: Bool) {
        connection?.submitResponse(stream: stream, head: head, endStream: endStream)
    }

    override func transportSendBody(_ bytes: [UInt8], endStream: Bool) {
        connection?.enqueueBody(stream: stream, bytes, end: endStream)
    }

    override func transportSendTrailers(_ trailers: HTTPHeaders) {
        connection?.enqueueBody(stream: stream, [], end: true, trailers: trailers)
    }

    override func transportReset() {
        connection?.resetStream(stream.streamID, code: NGHTTP2_CANCEL.rawValue)
    }

    override func transportConsume(_ count: Int) {
        connection?.consume(stream: stream, count)
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
