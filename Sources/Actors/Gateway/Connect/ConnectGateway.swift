import Protocols
import Runtime

/// Connect RPC at `/capsets/{c}/connect/{instance}/{pkg.Svc}/{Method}` (SPEC §8.4, over
/// HTTP/1.1 and HTTP/2): unary calls with `application/json` or `application/proto` (POST,
/// or GET for methods marked `NO_SIDE_EFFECTS`), and server-streaming — or unary — calls with
/// the Connect streaming protocol (`application/connect+json|+proto`). JSON is translated by
/// the Swift ProtoJSON codec on the loop; no Node process is involved for a long-running
/// instance.
struct ConnectGateway: Sendable {
    let loops: GatewayLoops
    let configuration: GatewayConfiguration
    let log: GatewayAccessLogger
    let onDemand: OnDemandGateway?
    let tokenUsage: TokenUsageRecorder

    /// SPEC §8.1: Connect and MCP bodies are capped at 1 MiB.
    static let maximumBodyBytes = 1 << 20
    /// Metadata Connect forwards to the instance (SPEC §8.4).
    static func forwards(_ name: String) -> Bool {
        name == "x-business-request-id" || name.hasPrefix("x-octobus-ext-")
    }

    func handle(_ exchange: HTTPServerExchange, capsetID: String, instanceID: String, procedure: String) {
        let startedAt = MonotonicClock.nanoseconds()
        let context = loops.context(for: exchange.loop)
        let request = exchange.request
        let reply = ConnectReply(exchange: exchange, log: log, capset: capsetID, procedure: procedure, startedAt: startedAt)
        // Errors found before the body is read are answered once the (small) body has arrived:
        // an HTTP/2 answer sent while the client still uploads ends with RST_STREAM(NO_ERROR),
        // which curl (7.x) reports as a failed transfer instead of showing the error.
        guard request.method == "POST" || request.method == "GET" else {
            reply.failAfterBody(ConnectError(.unimplemented, "Connect calls use POST (or GET for side-effect-free methods)"), status: 405)
            return
        }
        guard let capset = context.table.capsets[capsetID] else {
            reply.failAfterBody(ConnectError(.notFound, GRPCRoute.notExposed.message))
            return
        }
        switch GRPCRoute.authorize(capset, headers: request.headers) {
        case .failure(let failure):
            reply.failAfterBody(ConnectError(.unauthenticated, failure.message))
            return
        case .success(let credential):
            if let credential { tokenUsage.noteUse(credential) }
        }
        guard let instance = capset.instances[instanceID], let method = instance.methods["/" + procedure] else {
            reply.failAfterBody(ConnectError(.notFound, GRPCRoute.notExposed.message))
            return
        }
        reply.route = (instance, method)
        let descriptor = method.descriptor
        if descriptor.clientStreaming {
            reply.failAfterBody(ConnectError(.unimplemented, "method is not a unary service method"))
            return
        }
        // The request's shape: GET (query), unary POST, or streaming POST.
        let contentType: ConnectContentType
        var get: ConnectGetRequest?
        if request.method == "GET" {
            guard descriptor.idempotencyLevel == .noSideEffects, !descriptor.serverStreaming else {
                reply.failAfterBody(ConnectError(.unimplemented, "GET is only served for unary methods marked idempotency_level = NO_SIDE_EFFECTS"),
                                    status: 405)
                return
            }
            do throws(ConnectProtocolError) {
                get = try ConnectGetRequest(query: String(request.query))
            } catch {
                reply.failAfterBody(error.connectError)
                return
            }
            // The answer is encoded like the query's message.
            contentType = ConnectContentType(codec: get?.codec ?? .json, isStreaming: false)
        } else {
            guard let parsed = request.headers["content-type"].flatMap(ConnectContentType.parse) else {
                reply.failAfterBody(ConnectError(.unimplemented, "unsupported content type \(request.headers["content-type"] ?? "(none)"): "
                                                 + "use application/json, application/proto, application/connect+json or application/connect+proto"),
                                    status: 415)
                return
            }
            contentType = parsed
        }
        if descriptor.serverStreaming && !contentType.isStreaming {
            reply.failAfterBody(ConnectError(.unimplemented, "server-streaming methods use the Connect streaming protocol "
                                             + "(application/connect+json or application/connect+proto)"), status: 415)
            return
        }
        let timeout: UInt64
        let compression: ConnectCompression
        do throws(ConnectProtocolError) {
            let client = try request.headers[ConnectTimeout.headerName].map(ConnectTimeout.parseMilliseconds)
            timeout = descriptor.isUnary ? min(client ?? configuration.unaryDeadlineMilliseconds, configuration.unaryDeadlineMilliseconds)
                                         : (client ?? 0)
            if let get {
                compression = get.compression
            } else {
                compression = try ConnectCompression.parse(request.headers[ConnectCompression.headerName(streaming: contentType.isStreaming)])
            }
        } catch {
            reply.failAfterBody(error.connectError)
            return
        }
        var metadata = HTTPHeaders()
        for field in request.headers where Self.forwards(field.name) { metadata.addLowercased(name: field.name, value: field.value) }
        let call = ConnectCall(reply: reply, instance: instance, method: method, contentType: contentType, metadata: metadata,
                               timeoutMilliseconds: timeout == 0 ? nil : timeout, context: context, configuration: configuration,
                               onDemand: onDemand)
        if let get {
            exchange.discardBody()
            call.start(body: get.message, codec: get.codec, compression: compression)
            return
        }
        exchange.collectBody(limit: Self.maximumBodyBytes) { result in
            switch result {
            case .success(let body): call.start(body: body, codec: contentType.codec, compression: compression)
            case .failure(.tooLarge(let limit)):
                reply.fail(ConnectError(.resourceExhausted, "request body exceeds \(limit) bytes"), status: 413)
            case .failure(.serverBusy):
                reply.fail(ConnectError(.unavailable, "the gateway is busy; retry later"))
            case .failure(.timedOut):
                reply.fail(ConnectError(.deadlineExceeded, "request body was not received in time"), status: 408)
            }
        }
    }
}
