/// An ``HTTPServerExchange`` carried by an HTTP/1.1 connection.
final class HTTP1Exchange: HTTPServerExchange {
    enum BodyMode { case none, length(Int), chunked, closeDelimited }

    /// Cleared by ``detach()`` once the exchange is over (breaks the cycle).
    private var connection: HTTP1ServerConnection?
    private var expectContinue: Bool
    private var bodyMode = BodyMode.none

    init(connection: HTTP1ServerConnection, request: HTTPRequestHead, expectContinue: Bool) {
        self.connection = connection
        self.expectContinue = expectContinue
        super.init(loop: connection.connection.loop, request: request)
    }

    func detach() {
        connection = nil
    }

    override var bufferedOutboundBytes: Int { connection?.outputBufferedBytes ?? 0 }

    override func transportBodyRequested() {
        // The handler wants the body: now tell a waiting client to send it.
        if expectContinue && !isHeadSent {
            expectContinue = false
            connection?.sendContinue()
        }
    }

    override func transportSendHead(_ head: HTTPResponseHead, endStream: Bool) {
        expectContinue = false
        guard let connection else { return }
        bodyMode = connection.writeHead(head, for: self, endStream: endStream)
        if endStream { connection.responseFinished(self) }
    }

    override func transportSendBody(_ bytes: [UInt8], endStream: Bool) {
        guard let connection else { return }
        switch bodyMode {
        case .none: break
        case .chunked: connection.writeBody(bytes, chunked: true)
        case .length, .closeDelimited: connection.writeBody(bytes, chunked: false)
        }
        if endStream {
            if case .chunked = bodyMode { connection.writeChunkedEnd(trailers: nil) }
            connection.responseFinished(self)
        }
    }

    override func transportSendTrailers(_ trailers: HTTPHeaders) {
        guard let connection else { return }
        if case .chunked = bodyMode { connection.writeChunkedEnd(trailers: trailers) }
        connection.responseFinished(self)
    }

    override func transportReset() {
        connection?.abortConnection()
    }

    override func transportConsume(_ count: Int) {
        connection?.bodyConsumed(count)
    }
}
