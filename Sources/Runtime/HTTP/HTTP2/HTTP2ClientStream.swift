import CNghttp2

/// One request on an ``HTTP2ClientConnection``. Loop-confined.
///
/// Set the callbacks right after ``HTTP2ClientConnection/startStream(method:path:authority:scheme:headers:endStream:)``;
/// then stream the body with ``send(_:endStream:)`` and finish with `endStream` or
/// ``finish(trailers:)``. Exactly one of ``onEnd`` or ``onFailure`` is called.
public final class HTTP2ClientStream {
    /// The response status and headers (1xx responses are skipped).
    public var onResponseHead: ((HTTPResponseHead) -> Void)?
    /// A chunk of the response body.
    public var onData: (([UInt8]) -> Void)?
    /// The response ended; trailers if the server sent any.
    public var onEnd: ((HTTPHeaders?) -> Void)?
    /// The stream failed: RST_STREAM, connection loss. The code is an HTTP/2 error code.
    public var onFailure: ((UInt32, String) -> Void)?
    /// The request body buffer fell below ``writableThreshold`` again.
    public var onWritable: (() -> Void)?
    /// nghttp2 framed this many request body bytes (they left our buffer for the socket): a
    /// proxy acknowledges the same amount to its own client, chaining the two flow controls.
    public var onBytesSent: ((Int) -> Void)?
    /// With manual flow control, response bytes are acknowledged only by ``consume(_:)``.
    public var manualFlowControl = false
    /// A response body chunk, borrowed for the call (instead of ``onData``'s copy): for
    /// callers that only count or scan bytes, such as a load generator.
    public var onDataBytes: ((UnsafeRawBufferPointer) -> Void)?
    /// Each regular response header and trailer field, borrowed for the call. When set, no
    /// `HTTPHeaders` are built: ``onResponseHead`` gets the status with no fields and
    /// ``onEnd`` gets nil, so a response costs no Swift allocation.
    public var onHeaderField: ((_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void)?
    /// A reusable stream (see ``init()``) left its connection — after ``onEnd``, ``onFailure``
    /// or ``cancel()`` — and may be started again.
    public var onIdle: (() -> Void)?

    public static let writableThreshold = 256 * 1024

    /// Cleared when the stream ends (breaks the connection ↔ stream cycle).
    private var connection: HTTP2ClientConnection?
    public internal(set) var streamID: Int32 = 0
    public private(set) var isFinished = false
    var requestEnded = false
    var receivedHead = false
    var pendingStatus = 0
    var pendingHeaders = HTTPHeaders(capacity: 8)
    var headerBytes = 0
    var unconsumedBytes = 0
    var outbound = ChunkQueue()
    var outboundEnded = false
    var outboundTrailers: HTTPHeaders?
    var deferred = false
    /// The request this stream sends (``HTTP2ClientConnection/startStream(_:prepared:)``) and
    /// how much of its body nghttp2 has taken.
    var prepared: PreparedRequest?
    var preparedBodyOffset = 0
    /// Created by the public initialiser: callbacks outlive a request, and the stream can be
    /// started again once it finished (its owner breaks the closure cycles when done).
    let isReusable: Bool

    init(connection: HTTP2ClientConnection) {
        self.connection = connection
        isReusable = false
    }

    /// A stream object for ``HTTP2ClientConnection/startStream(_:prepared:)``, started again and
    /// again with its callbacks set once: a load generator keeps one per concurrent request,
    /// so sending a request allocates nothing on the Swift side.
    public init() {
        connection = nil
        isReusable = true
    }

    /// Readies a finished (or new) reusable stream for its next request on `connection`.
    func reattach(to connection: HTTP2ClientConnection, prepared: PreparedRequest) {
        precondition(isReusable && self.connection == nil, "only a finished reusable stream can start again")
        self.connection = connection
        self.prepared = prepared
        preparedBodyOffset = 0
        streamID = 0
        isFinished = false
        requestEnded = true
        receivedHead = false
        pendingStatus = 0
        headerBytes = 0
        unconsumedBytes = 0
        outboundEnded = true
        deferred = false
    }

    /// Sends request body bytes.
    public func send(_ bytes: [UInt8], endStream: Bool = false) {
        guard let connection, !requestEnded, !isFinished else { return }
        connection.loop.assertInEventLoop()
        if endStream { requestEnded = true }
        connection.enqueue(stream: self, bytes, end: endStream, trailers: nil)
    }

    /// Ends the request body, with trailers if given.
    public func finish(trailers: HTTPHeaders? = nil) {
        guard let connection, !requestEnded, !isFinished else { return }
        requestEnded = true
        connection.enqueue(stream: self, [], end: true, trailers: trailers.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// Acknowledges response bytes (manual flow control).
    public func consume(_ count: Int) {
        connection?.consume(stream: self, count)
    }

    /// Abandons the stream with RST_STREAM(CANCEL). No further callbacks.
    public func cancel() {
        guard !isFinished else { return }
        connection?.reset(stream: self, code: NGHTTP2_CANCEL.rawValue)
        isFinished = true
        clearCallbacks()
    }

    /// Bytes of request body not yet framed plus the connection's unsent output.
    public var bufferedOutboundBytes: Int { outbound.count + (connection?.pendingOutputBytes ?? 0) }
    public var isWritable: Bool { bufferedOutboundBytes < Self.writableThreshold }

    /// Undoes ``reattach(to:prepared:)`` when nghttp2 refused the stream (no callbacks).
    func abandonStart() {
        connection = nil
        prepared = nil
        isFinished = true
    }

    /// Whether the stream is attached to a connection (started and not yet closed there).
    public var isAttached: Bool { connection != nil }

    func deliver(_ bytes: [UInt8]) {
        onData?(bytes)
        if !manualFlowControl { consume(bytes.count) }
    }

    func responseEnded(trailers: HTTPHeaders?) {
        guard !isFinished else { return }
        isFinished = true
        let onEnd = self.onEnd
        clearCallbacks()
        onEnd?(trailers)
    }

    func fail(errorCode: UInt32, reason: String) {
        guard !isFinished else { return }
        isFinished = true
        let onFailure = self.onFailure
        clearCallbacks()
        onFailure?(errorCode, reason)
    }

    func bytesAccepted(_ count: Int) {
        onBytesSent?(count)
        guard onWritable != nil, isWritable, let loop = connection?.loop else { return }
        loop.executeSoon { [self] in notifyWritable() }
    }

    func notifyWritable() {
        if isWritable, let onWritable { onWritable() }
    }

    func detach() {
        guard connection != nil else { return }
        connection = nil
        prepared = nil
        if isReusable { onIdle?() }
    }

    private func clearCallbacks() {
        guard !isReusable else { return }
        onResponseHead = nil
        onData = nil
        onEnd = nil
        onFailure = nil
        onWritable = nil
        onBytesSent = nil
        onDataBytes = nil
        onHeaderField = nil
    }
}
