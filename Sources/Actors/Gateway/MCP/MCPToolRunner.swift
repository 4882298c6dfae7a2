import Protocols
import Runtime

/// Runs one `tools/call` on the routing core (SPEC §8.5): arguments decoded as strict
/// ProtoJSON (proto or JSON field names), the method called with no forwarded metadata, the
/// response encoded as canonical ProtoJSON. Failures are results marked `isError`.
/// Server-streaming methods collect their stream (``MCPStreamingTool``). Loop-confined.
struct MCPToolRunner {
    let entry: MCPToolCatalog.Entry
    let context: GatewayLoopContext
    let configuration: GatewayConfiguration
    let onDemand: OnDemandGateway?

    func run(_ arguments: JSONValue, progressToken: JSONValue?, reply: MCPReply, completion: @escaping (JSONObject) -> Void) {
        func fail(_ code: GRPCStatusCode, _ message: String) {
            reply.toolCode = code
            completion(MCPGateway.failure(code, message))
        }
        let descriptor = entry.method.descriptor
        guard let set = entry.instance.service.descriptors, let input = set.message(fullName: descriptor.inputType),
              let output = set.message(fullName: descriptor.outputType) else {
            return fail(.internal, "the service's descriptors are unavailable")
        }
        let request: [UInt8]
        do throws(ProtobufCodecError) {
            request = try ProtobufCodec.encodeFromJSON(arguments, message: input, in: set)
        } catch {
            return fail(.invalidArgument, "invalid arguments: \(error)")
        }
        func json(_ message: [UInt8]) throws(ProtobufCodecError) -> JSONValue {
            try ProtobufCodec.decodeToJSON(message, message: output, in: set)
        }
        guard entry.isStreaming else {
            let invocation = UnaryInvocation(instance: entry.instance, method: entry.method, context: context, onDemand: onDemand,
                                              maximumMessageBytes: configuration.maximumMessageBytes)
            let call = invocation.run(request: request, metadata: HTTPHeaders(),
                                      timeoutMilliseconds: configuration.unaryDeadlineMilliseconds) { result in
                reply.exchange.onAbort = nil
                switch result {
                case .failure(let outcome): fail(outcome.code, outcome.message)
                case .success(let response):
                    do throws(ProtobufCodecError) {
                        reply.toolCode = .ok
                        completion(MCPToolCall.successResult(try json(response.message)).objectValue ?? [:])
                    } catch {
                        fail(.internal, "backend response is not a valid \(descriptor.outputType): \(error)")
                    }
                }
            }
            reply.exchange.onAbort = { call?.cancel() }
            return
        }
        guard entry.instance.endpoint.mode == .longRunning else {
            return fail(.unimplemented, "streaming methods are not supported by on-demand runtime")
        }
        // Progress per message when the client asked for it and can read events.
        let accept = reply.exchange.request.headers["accept"] ?? ""
        let progress = progressToken.flatMap { token -> JSONValue? in
            accept.contains("text/event-stream") ? token : nil
        }
        if progress != nil { reply.beginEvents() }
        let call = UpstreamCall(instance: entry.instance, method: entry.method, metadata: HTTPHeaders(),
                                timeoutMilliseconds: configuration.unaryDeadlineMilliseconds,
                                maximumMessageBytes: configuration.maximumMessageBytes, context: context)
        var messages: [JSONValue] = []
        var bytes = 0
        func finish(complete: Bool) {
            reply.exchange.onAbort = nil
            reply.toolCode = .ok
            let collected: JSONValue = ["messages": .array(messages), "complete": .bool(complete)]
            completion(MCPToolCall.successResult(collected).objectValue ?? [:])
        }
        call.onMessage = { message in
            let value: JSONValue
            do throws(ProtobufCodecError) {
                value = try json(message)
            } catch {
                call.cancel()
                return fail(.internal, "backend message is not a valid \(descriptor.outputType): \(error)")
            }
            bytes += JSONWriter().bytes(value).count
            guard messages.count < MCPStreamingTool.maximumMessages, bytes <= MCPStreamingTool.maximumBytes else {
                call.cancel()
                return finish(complete: false)
            }
            messages.append(value)
            if let progress {
                reply.event(JSONValue.object([
                    "jsonrpc": "2.0", "method": "notifications/progress",
                    "params": ["progressToken": progress, "progress": .int(messages.count),
                               "message": .string(JSONWriter().string(value))],
                ]))
            }
        }
        call.onEnd = { outcome in
            switch outcome.code {
            case .ok: finish(complete: true)
            // Out of time, like out of room: what arrived is the answer, marked incomplete.
            case .deadlineExceeded where !messages.isEmpty: finish(complete: false)
            default: fail(outcome.code, outcome.message)
            }
        }
        reply.exchange.onAbort = { call.cancel() }
        call.start(request: request)
    }
}
