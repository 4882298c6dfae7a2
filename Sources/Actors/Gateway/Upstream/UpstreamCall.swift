import Protocols
import Runtime

/// A call the gateway makes itself to a long-running instance, for the protocols it
/// translates (Connect, MCP): one request message goes up framed; response messages come back
/// whole, one callback each; the call ends with a gRPC status.
///
/// Flow control: with `manualAcknowledgement`, response bytes are acknowledged to the instance
/// only when the consumer calls ``acknowledge()`` (after its own client took the message), so
/// a slow client slows the instance down instead of growing buffers here; otherwise they are
/// acknowledged as they arrive (a unary answer is bounded by the message limit).
///
/// Loop-confined.
final class UpstreamCall {
    /// How a call ended (an `Error` so it can be a `Result`'s failure; OK outcomes are not thrown).
    struct Outcome: Error {
        var code: GRPCStatusCode
        var message: String
        /// Response metadata the instance sent (headers and trailers, status fields removed).
        var metadata: HTTPHeaders
    }

    /// Response headers (initial metadata), before any message.
    var onHeaders: ((HTTPHeaders) -> Void)?
    /// One response message payload.
    var onMessage: (([UInt8]) -> Void)?
    /// The call ended (exactly once, unless cancelled).
    var onEnd: ((Outcome) -> Void)?

    private let instance: InstanceRoute
    private let method: MethodRoute
    private let metadata: HTTPHeaders
    private let timeoutMilliseconds: UInt64?
    private let context: GatewayLoopContext
    private let manualAcknowledgement: Bool
    private var reader: GRPCMessageReader
    private var stream: HTTP2ClientStream?
    private var deadline: LoopTimer?
    private var unacknowledged = 0
    private var responseMetadata = HTTPHeaders()
    private var trailersOnly: HTTPHeaders?
    private var ended = false

    init(instance: InstanceRoute, method: MethodRoute, metadata: HTTPHeaders, timeoutMilliseconds: UInt64?,
         maximumMessageBytes: Int, context: GatewayLoopContext, manualAcknowledgement: Bool = false) {
        self.instance = instance
        self.method = method
        self.metadata = metadata
        self.timeoutMilliseconds = timeoutMilliseconds
        self.context = context
        self.manualAcknowledgement = manualAcknowledgement
        reader = GRPCMessageReader(maximumMessageBytes: maximumMessageBytes)
    }

    /// Sends `payload` (the serialized request message) and starts the call.
    func start(request payload: [UInt8]) {
        let endpoint = instance.endpoint
        guard let address = endpoint.address, endpoint.isCallable else {
            end(.unavailable, "backend instance is not running")
            return
        }
        if let timeoutMilliseconds {
            let timer = context.timers.take()
            deadline = timer
            timer.start(afterMilliseconds: timeoutMilliseconds) { [self] in
                stream?.cancel()
                end(.deadlineExceeded, "deadline of \(timeoutMilliseconds) ms exceeded")
            }
        }
        context.upstreams.connection(target: endpoint.instanceID, key: endpoint.connectionKey, host: address.host, port: address.port) {
            [self] result in
            guard !ended else { return }
            switch result {
            case .failure(let error):
                end(.unavailable, "backend instance \(endpoint.instanceID) is unreachable at \(address): \(error)")
            case .success(let connection):
                send(payload, on: connection, authority: endpoint.authority)
            }
        }
    }

    private func send(_ payload: [UInt8], on connection: HTTP2ClientConnection, authority: String) {
        var headers = HTTPHeaders(capacity: metadata.count + 3)
        headers.addLowercased(name: "content-type", value: "application/grpc")
        headers.addLowercased(name: "te", value: "trailers")
        if let timeoutMilliseconds { headers.addLowercased(name: "grpc-timeout", value: GRPCTimeout.format(milliseconds: timeoutMilliseconds)) }
        for field in metadata { headers.addLowercased(name: field.name, value: field.value) }
        guard let stream = connection.startStream(method: "POST", path: method.descriptor.path, authority: authority,
                                                  headers: headers, endStream: false) else {
            end(.unavailable, "backend instance \(instance.endpoint.instanceID) cannot take a new stream")
            return
        }
        self.stream = stream
        stream.manualFlowControl = manualAcknowledgement
        stream.onResponseHead = { [self] head in received(head) }
        stream.onData = { [self] bytes in received(bytes) }
        stream.onEnd = { [self] trailers in finished(trailers) }
        stream.onFailure = { [self] _, reason in
            end(.unavailable, "backend instance \(instance.endpoint.instanceID) failed the call: \(reason)")
        }
        stream.send(GRPCMessageReader.frame(payload), endStream: true)
    }

    /// The consumer took the messages delivered so far: let the instance send more.
    func acknowledge() {
        guard unacknowledged > 0 else { return }
        stream?.consume(unacknowledged)
        unacknowledged = 0
    }

    /// Abandons the call (the client went away): resets the upstream stream, no callbacks.
    func cancel() {
        guard !ended else { return }
        ended = true
        stream?.cancel()
        release()
    }

    private func received(_ head: HTTPResponseHead) {
        guard head.status == 200 else {
            stream?.cancel()
            end(GRPCStatusHeaders.code(forHTTPStatus: head.status), "backend answered HTTP \(head.status)")
            return
        }
        if head.headers["grpc-status"] != nil {
            trailersOnly = head.headers
            return
        }
        let relayed = Self.metadata(in: head.headers)
        responseMetadata = relayed
        onHeaders?(relayed)
    }

    private func received(_ bytes: [UInt8]) {
        guard !ended else { return }
        unacknowledged += bytes.count
        let messages: [[UInt8]]
        do throws(GRPCMessageReader.Failure) {
            messages = try reader.append(bytes)
        } catch {
            stream?.cancel()
            switch error {
            case .tooLarge(let length, let limit):
                end(.resourceExhausted, "response message of \(length) bytes exceeds the limit of \(limit) bytes")
            case .compressed:
                end(.internal, "backend sent a compressed message the gateway did not ask for")
            }
            return
        }
        for message in messages where !ended { onMessage?(message) }
    }

    private func finished(_ trailers: HTTPHeaders?) {
        guard let status = trailers ?? trailersOnly, let raw = status["grpc-status"] else {
            end(.internal, "backend instance \(instance.endpoint.instanceID) ended the call without a gRPC status")
            return
        }
        for field in Self.metadata(in: status) { responseMetadata.addLowercased(name: field.name, value: field.value) }
        let code = Int(raw).flatMap(GRPCStatusCode.init(rawValue:)) ?? .unknown
        end(code, status["grpc-message"].map(PercentEncoding.decode) ?? "")
    }

    private func end(_ code: GRPCStatusCode, _ message: String) {
        guard !ended else { return }
        ended = true
        let onEnd = self.onEnd
        let outcome = Outcome(code: code, message: message, metadata: responseMetadata)
        release()
        onEnd?(outcome)
    }

    private func release() {
        if let deadline { context.timers.giveBack(deadline) }
        deadline = nil
        stream = nil
        onHeaders = nil
        onMessage = nil
        onEnd = nil
    }

    /// Application metadata of a header block: no transport or status fields, and not the
    /// `date`/`server` the backend's HTTP server adds (they describe that hop, and would
    /// otherwise repeat in every Connect end-of-stream message and MCP-facing answer).
    static func metadata(in headers: HTTPHeaders) -> HTTPHeaders {
        var out = HTTPHeaders()
        for field in headers {
            switch field.name {
            case "content-type", "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding", "content-length",
                 "grpc-status-details-bin", "date", "server":
                continue
            default:
                if !HTTPHeaders.isConnectionSpecific(field.name) { out.addLowercased(name: field.name, value: field.value) }
            }
        }
        return out
    }
}
