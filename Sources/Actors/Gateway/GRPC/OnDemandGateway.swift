import Protocols
import Runtime

/// Unary calls to on-demand instances (SPEC §5.2): the request message is collected, one
/// `--runtime invoke` process answers it (bounded by the invoker's concurrency limit), and
/// the response or status goes back on the client's stream.
struct OnDemandGateway: Sendable {
    let context: SupervisorContext
    let configuration: GatewayConfiguration

    func call(_ exchange: HTTPServerExchange, route: GRPCRoute, startedAt: UInt64, log: GatewayAccessLogger) {
        let loop = exchange.loop
        let bound = LoopBound(exchange, loop: loop)
        let clientTimeout = exchange.request.headers["grpc-timeout"].flatMap(GRPCTimeout.parseMilliseconds)
        let timeout = min(clientTimeout ?? OnDemandInvoker.timeoutMilliseconds, OnDemandInvoker.timeoutMilliseconds)
        let metadata = exchange.request.headers.compactMap { field -> (String, String)? in
            Self.isMetadata(field.name, credentialUsed: route.credential != nil) ? (field.name, field.value) : nil
        }
        let method = route.method.descriptor.fullName
        let descriptors = route.instance.service.descriptors
        let instanceID = route.instance.endpoint.instanceID
        @Sendable func reply(_ code: GRPCStatusCode, _ message: String, response: [UInt8]? = nil) {
            let exchange = bound.value
            if let response {
                exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/grpc"]))
                exchange.sendBody(GRPCMessageReader.frame(response))
                exchange.sendTrailers(GRPCStatusHeaders.trailers(.ok, ""))
            } else {
                GRPCStatusReply.send(exchange, code: code, message: message)
            }
            log.record(exchange, protocol: .grpc, route: route, grpcCode: code, startedAt: startedAt)
        }
        exchange.collectBody(limit: configuration.maximumMessageBytes + 5) { result in
            let body: [UInt8]
            switch result {
            case .success(let bytes): body = bytes
            case .failure(.tooLarge): return reply(.resourceExhausted, "request message exceeds the limit of \(configuration.maximumMessageBytes) bytes")
            case .failure(.serverBusy): return reply(.unavailable, "the gateway is busy; retry later")
            case .failure(.timedOut): return reply(.deadlineExceeded, "request message was not received in time")
            }
            var reader = GRPCMessageReader(maximumMessageBytes: configuration.maximumMessageBytes)
            guard let messages = try? reader.append(body), messages.count == 1, reader.isEmpty else {
                return reply(.invalidArgument, "a unary call takes exactly one uncompressed request message")
            }
            invoke(instanceID: instanceID, method: method, descriptors: descriptors, request: messages[0], metadata: metadata,
                   timeoutMilliseconds: timeout, loop: loop) { result in
                switch result {
                case .success(let response): reply(.ok, "", response: response)
                case .failure(let code, let message): reply(code, message)
                }
            }
        }
    }

    /// Runs one `--runtime invoke` for `request` (a serialized message) and calls `completion`
    /// on `loop` with the response bytes or the status.
    func invoke(instanceID: String, method: String, descriptors: DescriptorSet?, request: [UInt8], metadata: [(String, String)],
                timeoutMilliseconds: UInt64, loop: EventLoop, completion: @escaping @Sendable (InvokeResult) -> Void) {
        let context = self.context
        Task {
            let result: InvokeResult
            let store = context.store
            if let instance = try? await store.instance(id: instanceID), let service = try? await store.service(id: instance.serviceID) {
                result = await OnDemandInvoker.invoke(context: context, loop: loop, instance: instance, service: service, method: method,
                                                      request: request, metadata: metadata, descriptors: descriptors,
                                                      timeoutMilliseconds: timeoutMilliseconds)
            } else {
                result = .failure(.unavailable, "backend instance is not running")
            }
            loop.execute { completion(result) }
        }
    }

    /// Headers that are call metadata for the handler (SPEC §8.2 forwarding rules), not
    /// transport: no control metadata, no gRPC/HTTP framing headers, no capset token.
    static func isMetadata(_ name: String, credentialUsed: Bool) -> Bool {
        switch name {
        case "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "host", "content-length": return false
        default: return GRPCProxyCall.forwards(name, credentialUsed: credentialUsed)
        }
    }
}
