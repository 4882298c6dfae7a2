/// One request and its response on a server connection: an HTTP/1.1 message
/// exchange or an HTTP/2 stream. Handlers receive it from an ``HTTPResponder``.
///
/// The request body arrives through ``readBody(onData:onEnd:)``; events that arrive
/// before a handler asks are buffered (and not acknowledged to the peer, so flow
/// control holds the sender back). By default every delivered chunk is consumed at
/// once; with ``manualFlowControl`` the handler calls ``consume(_:)`` when it has really
/// passed the bytes on, which chains the flow control of two connections (the gRPC proxy).
///
/// The response is ``sendHead(_:endStream:)``, any number of ``sendBody(_:endStream:)``,
/// then either `endStream` or ``sendTrailers(_:)``. ``reset()`` abandons the exchange.
///
/// Loop-confined: use it only on ``loop``'s thread (hop with `loop.execute`).
public class HTTPServerExchange {
    public let loop: EventLoop
    /// Set once when the request head is complete (HTTP/2 streams exist before that).
    public final internal(set) var request: HTTPRequestHead

    /// When true, body bytes are acknowledged only through ``consume(_:)``.
    public final var manualFlowControl = false
    /// Called once if the peer goes away (stream reset, connection closed) before the response finished.
    public final var onAbort: (() -> Void)? {
        didSet { if isAborted, let onAbort { self.onAbort = nil; onAbort() } }
    }
    /// Called when buffered response bytes fell below the writable threshold again.
    public final var onWritable: (() -> Void)?
    /// HTTP/2: the transport framed this many response body bytes (they left the exchange's
    /// queue). A proxy acknowledges as many to its upstream, chaining the flow control of the
    /// two connections so a slow client slows the backend instead of growing buffers.
    public final var onBodyBytesSent: ((Int) -> Void)?

    public final private(set) var isAborted = false
    public final private(set) var isHeadSent = false
    public final private(set) var isFinished = false
    public final private(set) var isRequestComplete = false
    /// The handler answers without reading the rest of the body (e.g. 413): an HTTP/1.1
    /// connection must close after this response since the body cannot be skipped safely.
    public final var abandonsRequestBody = false

    private var onData: (([UInt8]) -> Void)?
    private var onEnd: ((HTTPHeaders?) -> Void)?
    private var bufferedBody: [[UInt8]] = []
    private var bufferedEnd = false
    private var bufferedTrailers: HTTPHeaders?

    /// The connection's share of the server's budgets, once the request was admitted. The
    /// request counts as pending — and its collected body as held in memory — until this
    /// exchange is released, which is when its handler let go of it (possibly long after a
    /// client reset the stream: that memory is still in use).
    private var budget: ConnectionBudget?
    private var reservedBodyBytes = 0
    /// Deadline for collected bodies (``HTTPServerConfiguration/bodyTimeoutMilliseconds``).
    private var bodyTimeoutMilliseconds: UInt64 = 30_000
    /// Armed while a body is being collected; closed when it completes or the peer goes away.
    private var bodyDeadline: LoopTimer?

    /// Response bytes buffered above this count make ``isWritable`` false.
    public static let writableThreshold = 256 * 1024

    init(loop: EventLoop, request: HTTPRequestHead) {
        self.loop = loop
        self.request = request
    }

    deinit {
        if let budget {
            budget.releaseBody(reservedBodyBytes)
            budget.requestReleased()
        }
    }

    /// Counts the request against `budget` unless a budget is exhausted; returns the name of
    /// the exhausted limit (the transport then refuses the request) or nil.
    final func admit(_ budget: ConnectionBudget, bodyTimeoutMilliseconds: UInt64) -> String? {
        if let refusal = budget.refusal(path: request.path) { return refusal }
        budget.requestStarted()
        self.budget = budget
        self.bodyTimeoutMilliseconds = bodyTimeoutMilliseconds
        return nil
    }

    // MARK: Request body

    /// Starts delivering the request body. `onEnd` gets the trailers, if any.
    public final func readBody(onData: @escaping ([UInt8]) -> Void, onEnd: @escaping (HTTPHeaders?) -> Void) {
        loop.assertInEventLoop()
        self.onData = onData
        self.onEnd = onEnd
        transportBodyRequested()
        let buffered = bufferedBody
        bufferedBody = []
        for chunk in buffered {
            onData(chunk)
            if !manualFlowControl { transportConsume(chunk.count) }
        }
        if bufferedEnd {
            bufferedEnd = false
            self.onData = nil
            self.onEnd = nil
            onEnd(bufferedTrailers)
        }
    }

    /// True when the whole request (without any body bytes) has arrived: nothing to read.
    public final var hasEmptyCompleteBody: Bool { isRequestComplete && bufferedBody.isEmpty && onData == nil }

    /// Collects the whole body up to `limit` bytes. Over the limit, `completion` gets
    /// ``HTTPBodyError/tooLarge(limit:)`` at once and the rest of the body is discarded.
    /// The bytes count against the server's body budgets (``HTTPBodyError/serverBusy`` when
    /// they are spent) and must arrive within the body timeout (``HTTPBodyError/timedOut``).
    public final func collectBody(limit: Int, _ completion: @escaping (Result<[UInt8], HTTPBodyError>) -> Void) {
        if let declared = request.headers["content-length"].flatMap(Int.init), declared > limit {
            abandonsRequestBody = true
            discardBody()
            completion(.failure(.tooLarge(limit: limit)))
            return
        }
        if hasEmptyCompleteBody {
            completion(.success([]))
            return
        }
        var body: [UInt8] = []
        var done = false
        let deadline = LoopTimer(loop: loop)
        bodyDeadline = deadline
        func finish(_ result: Result<[UInt8], HTTPBodyError>) {
            guard !done else { return }
            done = true
            bodyDeadline?.close()
            bodyDeadline = nil
            if case .failure = result {
                abandonsRequestBody = true
                body = []
                if let budget {
                    budget.releaseBody(reservedBodyBytes)
                    reservedBodyBytes = 0
                }
            }
            completion(result)
        }
        deadline.start(afterMilliseconds: bodyTimeoutMilliseconds) { [unowned self] in
            finish(.failure(.timedOut))
            discardBody()
        }
        readBody(onData: { [unowned self] chunk in
            guard !done else { return }
            if body.count + chunk.count > limit {
                finish(.failure(.tooLarge(limit: limit)))
                return
            }
            if let budget {
                guard budget.reserveBody(chunk.count) else {
                    finish(.failure(.serverBusy))
                    return
                }
                reservedBodyBytes += chunk.count
            }
            body.append(contentsOf: chunk)
        }, onEnd: { _ in
            finish(.success(body))
        })
        if isAborted {
            bodyDeadline?.close()
            bodyDeadline = nil
        }
    }

    /// Reads and drops the body (still honouring flow control).
    public final func discardBody() {
        readBody(onData: { _ in }, onEnd: { _ in })
    }

    /// Acknowledges `count` body bytes to the peer (``manualFlowControl`` only).
    public final func consume(_ count: Int) {
        loop.assertInEventLoop()
        guard count > 0, !isAborted else { return }
        transportConsume(count)
    }

    // MARK: Response

    public final func sendHead(_ head: HTTPResponseHead, endStream: Bool = false) {
        loop.assertInEventLoop()
        guard !isHeadSent, !isFinished, !isAborted else { return }
        isHeadSent = true
        if endStream { isFinished = true }
        transportSendHead(head, endStream: endStream)
    }

    public final func sendBody(_ bytes: [UInt8], endStream: Bool = false) {
        loop.assertInEventLoop()
        guard isHeadSent, !isFinished, !isAborted else { return }
        if endStream { isFinished = true }
        transportSendBody(bytes, endStream: endStream)
    }

    /// Ends the response with trailers (HTTP/2, or HTTP/1.1 chunked).
    public final func sendTrailers(_ trailers: HTTPHeaders) {
        loop.assertInEventLoop()
        guard isHeadSent, !isFinished, !isAborted else { return }
        isFinished = true
        transportSendTrailers(trailers)
    }

    /// A complete response in one call.
    public final func respond(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        loop.assertInEventLoop()
        guard !isHeadSent, !isFinished, !isAborted else { return }
        var headers = headers
        if (request.version != .http2 || !body.isEmpty) && !headers.contains(lowercased: "content-length") {
            headers.add(name: "content-length", value: String(body.count))
        }
        isHeadSent = true
        isFinished = true
        transportSendResponse(HTTPResponseHead(status: status, headers: headers), body: body)
    }

    /// A complete response whose header fields were prepared once. A `content-length`
    /// among them must match `body` (it frames HTTP/1.1); without one, the fields are
    /// copied and the length added, as ``respond(status:headers:body:)`` does.
    public final func respond(status: Int, prepared: PreparedHeaders, body: [UInt8]) {
        loop.assertInEventLoop()
        guard !isHeadSent, !isFinished, !isAborted else { return }
        guard (100...999).contains(status), prepared.hasContentLength || (request.version == .http2 && body.isEmpty) else {
            respond(status: status, headers: prepared.headers, body: body)
            return
        }
        isHeadSent = true
        isFinished = true
        transportSendResponse(status: status, prepared: prepared, body: body)
    }

    /// Abandons the exchange (RST_STREAM on HTTP/2; the connection is closed on HTTP/1.1).
    public final func reset() {
        loop.assertInEventLoop()
        guard !isAborted, !isFinished || !isRequestComplete else { return }
        transportReset()
        markAborted()
    }

    /// Whether response bytes are not piling up in buffers.
    public final var isWritable: Bool { bufferedOutboundBytes < Self.writableThreshold }

    // MARK: Transport side (overridden by HTTP/1 and HTTP/2)

    var bufferedOutboundBytes: Int { 0 }
    func transportSendHead(_ head: HTTPResponseHead, endStream: Bool) {}
    /// A complete response; transports may send it in one go.
    func transportSendResponse(_ head: HTTPResponseHead, body: [UInt8]) {
        if body.isEmpty {
            transportSendHead(head, endStream: true)
        } else {
            transportSendHead(head, endStream: false)
            transportSendBody(body, endStream: true)
        }
    }
    /// A complete response with prepared header fields (HTTP/2 uses their bytes directly).
    func transportSendResponse(status: Int, prepared: PreparedHeaders, body: [UInt8]) {
        transportSendResponse(HTTPResponseHead(status: status, headers: prepared.headers), body: body)
    }
    func transportSendBody(_ bytes: [UInt8], endStream: Bool) {}
    func transportSendTrailers(_ trailers: HTTPHeaders) {}
    func transportReset() {}
    func transportConsume(_ count: Int) {}
    func transportBodyRequested() {}

    /// The transport delivers a body chunk.
    final func deliverBody(_ bytes: [UInt8]) {
        if let onData {
            onData(bytes)
            if !manualFlowControl { transportConsume(bytes.count) }
        } else {
            bufferedBody.append(bytes)
        }
    }

    /// The transport reports the end of the request.
    final func deliverEnd(trailers: HTTPHeaders?) {
        isRequestComplete = true
        if let onEnd {
            self.onData = nil
            self.onEnd = nil
            onEnd(trailers)
        } else {
            bufferedEnd = true
            bufferedTrailers = trailers
        }
    }

    /// The transport reports that the peer went away.
    final func markAborted() {
        guard !isAborted else { return }
        isAborted = true
        bodyDeadline?.close()
        bodyDeadline = nil
        onData = nil
        onEnd = nil
        onWritable = nil
        onBodyBytesSent = nil
        if let onAbort {
            self.onAbort = nil
            onAbort()
        }
    }
}

/// Why a request body could not be collected.
public enum HTTPBodyError: Error, Equatable, Sendable {
    /// Larger than the route allows (413).
    case tooLarge(limit: Int)
    /// The server's budget for bodies held in memory is spent (503; retry later).
    case serverBusy
    /// The body did not arrive within the body timeout (408).
    case timedOut
}

/// Handles requests of an ``HTTPServer``. Called on the connection's loop thread;
/// must not block. Shared by every loop, hence Sendable.
public protocol HTTPResponder: Sendable {
    func handle(_ exchange: HTTPServerExchange)
}
