import Protocols
import Runtime

/// Writes a Connect answer (error JSON with its HTTP status, or a success) once, and logs it.
/// Loop-confined.
final class ConnectReply {
    let exchange: HTTPServerExchange
    let log: GatewayAccessLogger
    let capset: String
    let procedure: String
    let startedAt: UInt64
    var route: (instance: InstanceRoute, method: MethodRoute)?
    private var logged = false

    init(exchange: HTTPServerExchange, log: GatewayAccessLogger, capset: String, procedure: String, startedAt: UInt64) {
        self.exchange = exchange
        self.log = log
        self.capset = capset
        self.procedure = procedure
        self.startedAt = startedAt
    }

    /// An error as `{"code","message"}` with the table's HTTP status (or `status`).
    func fail(_ error: ConnectError, status: Int? = nil) {
        exchange.discardBody()
        respond(error, status: status)
    }

    /// ``fail(_:status:)`` once the request body has arrived (read and dropped, up to the
    /// body limit; past it, at once), for errors found before the body was read.
    func failAfterBody(_ error: ConnectError, status: Int? = nil) {
        exchange.collectBody(limit: ConnectGateway.maximumBodyBytes) { [self] _ in respond(error, status: status) }
    }

    private func respond(_ error: ConnectError, status: Int?) {
        let code = status ?? error.httpStatus
        var headers = HTTPHeaders()
        // An unsupported compression (`ConnectCompression.parse`): say which one is (Connect protocol).
        if error.code == .unimplemented, error.message.hasPrefix("compression ") {
            headers.add(name: "accept-encoding", value: ConnectCompression.accepted)
        }
        exchange.respondJSON(status: code, error.json, headers: headers)
        record(httpStatus: code, grpcCode: error.code.grpcCode)
    }

    func succeed(contentType: String, body: [UInt8], metadata: HTTPHeaders) {
        var headers = HTTPHeaders(capacity: metadata.count + 1)
        headers.addLowercased(name: "content-type", value: contentType)
        for field in metadata { headers.addLowercased(name: field.name, value: field.value) }
        exchange.respond(status: 200, headers: headers, body: body)
        record(httpStatus: 200, grpcCode: .ok)
    }

    func record(httpStatus: Int, grpcCode: GRPCStatusCode) {
        guard !logged else { return }
        logged = true
        log.record(exchange, protocol: .connect, route: nil, grpcCode: grpcCode, httpStatus: httpStatus, capset: capset,
                   service: route?.instance.service.record.id, instance: route?.instance.endpoint.instanceID, method: procedure,
                   startedAt: startedAt)
    }
}

/// One Connect call once routed: decodes the request message, calls the instance, and
/// encodes the answer — one message (unary) or enveloped messages and an end-of-stream
/// message (streaming protocol), relaying with chained flow control. Loop-confined.
final class ConnectCall {
    private let reply: ConnectReply
    private let instance: InstanceRoute
    private let method: MethodRoute
    private let contentType: ConnectContentType
    private let metadata: HTTPHeaders
    private let timeoutMilliseconds: UInt64?
    private let context: GatewayLoopContext
    private let configuration: GatewayConfiguration
    private let onDemand: OnDemandGateway?
    private var upstream: UpstreamCall?

    init(reply: ConnectReply, instance: InstanceRoute, method: MethodRoute, contentType: ConnectContentType, metadata: HTTPHeaders,
         timeoutMilliseconds: UInt64?, context: GatewayLoopContext, configuration: GatewayConfiguration, onDemand: OnDemandGateway?) {
        self.reply = reply
        self.instance = instance
        self.method = method
        self.contentType = contentType
        self.metadata = metadata
        self.timeoutMilliseconds = timeoutMilliseconds
        self.context = context
        self.configuration = configuration
        self.onDemand = onDemand
    }

    private var descriptors: DescriptorSet? { instance.service.descriptors }

    /// `body` is the request as received: a bare message, or (streaming protocol) one enveloped
    /// message; `codec` says how the message is encoded, `compression` how it is compressed
    /// (the whole unary body or GET message; a streaming envelope flagged compressed).
    func start(body: [UInt8], codec: ConnectContentType.Codec, compression: ConnectCompression = .identity) {
        guard let set = descriptors, let input = set.message(fullName: method.descriptor.inputType) else {
            reply.fail(ConnectError(.internal, "the service's descriptors are unavailable"))
            return
        }
        var message = body
        var compressed = !contentType.isStreaming
        if contentType.isStreaming {
            var reader = ConnectEnvelopeReader(maximumMessageBytes: ConnectGateway.maximumBodyBytes,
                                               acceptsCompressed: compression != .identity)
            do throws(ConnectEnvelopeReader.Failure) {
                let envelopes = try reader.append(body)
                try reader.finish()
                let messages = envelopes.filter { !$0.isEndStream }
                guard messages.count == 1 else {
                    reply.fail(ConnectError(.invalidArgument, "a server-streaming call takes exactly one request message (got \(messages.count))"))
                    return
                }
                message = messages[0].payload
                compressed = messages[0].isCompressed
            } catch {
                reply.fail(error.connectError)
                return
            }
        }
        if compressed {
            do throws(ConnectProtocolError) {
                message = try compression.decompress(message, limit: ConnectGateway.maximumBodyBytes)
            } catch {
                reply.fail(error.connectError)
                return
            }
        }
        let request: [UInt8]
        do throws(ProtobufCodecError) {
            switch codec {
            case .json:
                let json = message.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 })
                    ? JSONValue.object([:]) : try Self.parseJSON(message)
                request = try ProtobufCodec.encodeFromJSON(json, message: input, in: set)
            case .proto:
                try ProtobufCodec.validate(message, message: input, in: set)
                request = message
            }
        } catch {
            reply.fail(ConnectError(.invalidArgument, "invalid request message: \(error)"))
            return
        }
        if contentType.isStreaming {
            streaming(request)
        } else {
            unary(request)
        }
    }

    private static func parseJSON(_ bytes: [UInt8]) throws(ProtobufCodecError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ProtobufCodecError(.invalidJSON, "request body is not valid JSON: \(error)")
        }
    }

    /// The response message as the codec of the call writes it.
    private func encode(_ response: [UInt8]) throws(ProtobufCodecError) -> [UInt8] {
        guard contentType.codec == .json else { return response }
        guard let set = descriptors, let output = set.message(fullName: method.descriptor.outputType) else {
            throw ProtobufCodecError(.unknownType, "response type \(method.descriptor.outputType) is not in the descriptors")
        }
        return JSONWriter().bytes(try ProtobufCodec.decodeToJSON(response, message: output, in: set))
    }

    // MARK: Unary

    private func unary(_ request: [UInt8]) {
        let invocation = UnaryInvocation(instance: instance, method: method, context: context, onDemand: onDemand,
                                          maximumMessageBytes: configuration.maximumMessageBytes)
        let exchange = reply.exchange
        upstream = invocation.run(request: request, metadata: metadata,
                                  timeoutMilliseconds: timeoutMilliseconds ?? configuration.unaryDeadlineMilliseconds) { [self] result in
            exchange.onAbort = nil
            upstream = nil
            switch result {
            case .failure(let outcome):
                reply.fail(ConnectError(ConnectErrorCode(outcome.code) ?? .unknown, outcome.message))
            case .success(let response):
                do throws(ProtobufCodecError) {
                    reply.succeed(contentType: contentType.headerValue, body: try encode(response.message), metadata: response.metadata)
                } catch {
                    reply.fail(ConnectError(.internal, "backend response is not a valid \(method.descriptor.outputType): \(error)"))
                }
            }
        }
        exchange.onAbort = { [self] in
            upstream?.cancel()
            upstream = nil
            reply.record(httpStatus: 499, grpcCode: .cancelled)
        }
    }

    // MARK: Streaming protocol

    private func streaming(_ request: [UInt8]) {
        let exchange = reply.exchange
        exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": contentType.headerValue]))
        func end(_ code: GRPCStatusCode, _ message: String, metadata: HTTPHeaders) {
            exchange.onAbort = nil
            exchange.onWritable = nil
            upstream = nil
            let error = code == .ok ? nil : ConnectError(ConnectErrorCode(code) ?? .unknown, message)
            let trailers = Dictionary(grouping: metadata.map { ($0.name, $0.value) }, by: \.0).map { (key: $0.key, values: $0.value.map(\.1)) }
            exchange.sendBody(ConnectEnvelope.frameEndStream(ConnectEndStream(error: error, metadata: trailers.sorted { $0.key < $1.key })),
                              endStream: true)
            reply.record(httpStatus: 200, grpcCode: code)
        }
        guard instance.endpoint.mode == .longRunning || !method.descriptor.serverStreaming else {
            end(.unimplemented, "streaming methods are not supported by on-demand runtime", metadata: HTTPHeaders())
            return
        }
        if instance.endpoint.mode == .onDemand {
            // A unary method over the streaming protocol: one message, then the end.
            let invocation = UnaryInvocation(instance: instance, method: method, context: context, onDemand: onDemand,
                                              maximumMessageBytes: configuration.maximumMessageBytes)
            invocation.run(request: request, metadata: metadata,
                           timeoutMilliseconds: timeoutMilliseconds ?? configuration.unaryDeadlineMilliseconds) { [self] result in
                switch result {
                case .failure(let outcome): end(outcome.code, outcome.message, metadata: outcome.metadata)
                case .success(let response):
                    do throws(ProtobufCodecError) {
                        exchange.sendBody(ConnectEnvelope.frame(try encode(response.message)))
                        end(.ok, "", metadata: response.metadata)
                    } catch {
                        end(.internal, "backend response is not a valid \(method.descriptor.outputType): \(error)", metadata: HTTPHeaders())
                    }
                }
            }
            return
        }
        let call = UpstreamCall(instance: instance, method: method, metadata: metadata, timeoutMilliseconds: timeoutMilliseconds,
                                maximumMessageBytes: configuration.maximumMessageBytes, context: context, manualAcknowledgement: true)
        upstream = call
        call.onMessage = { [self] message in
            do throws(ProtobufCodecError) {
                exchange.sendBody(ConnectEnvelope.frame(try encode(message)))
            } catch {
                upstream?.cancel()
                end(.internal, "backend message is not a valid \(method.descriptor.outputType): \(error)", metadata: HTTPHeaders())
                return
            }
            // Chained flow control: take more from the instance only while the client keeps up.
            if exchange.isWritable {
                upstream?.acknowledge()
            } else {
                exchange.onWritable = { [self] in
                    exchange.onWritable = nil
                    upstream?.acknowledge()
                }
            }
        }
        call.onEnd = { outcome in end(outcome.code, outcome.message, metadata: outcome.metadata) }
        exchange.onAbort = { [self] in
            upstream?.cancel()
            upstream = nil
            reply.record(httpStatus: 200, grpcCode: .cancelled)
        }
        call.start(request: request)
    }
}
