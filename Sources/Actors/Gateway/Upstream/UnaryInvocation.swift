import Protocols
import Runtime

/// A unary call to an instance of either runtime mode, for the front ends that translate
/// (Connect, MCP): through the loop's upstream connections for a long-running instance, one
/// `--runtime invoke` process for an on-demand one. The completion runs on the caller's loop.
struct UnaryInvocation {
    struct Response {
        var message: [UInt8]
        var metadata: HTTPHeaders
    }

    let instance: InstanceRoute
    let method: MethodRoute
    let context: GatewayLoopContext
    let onDemand: OnDemandGateway?
    let maximumMessageBytes: Int

    /// Starts the call; the returned call (long-running only) can be cancelled.
    @discardableResult
    func run(request: [UInt8], metadata: HTTPHeaders, timeoutMilliseconds: UInt64,
             completion: @escaping (Result<Response, UpstreamCall.Outcome>) -> Void) -> UpstreamCall? {
        if instance.endpoint.mode == .onDemand {
            guard let onDemand, instance.endpoint.isCallable else {
                completion(.failure(.init(code: .unavailable, message: "backend instance is not running", metadata: HTTPHeaders())))
                return nil
            }
            let bound = LoopBound(completion, loop: context.loop)
            onDemand.invoke(instanceID: instance.endpoint.instanceID, method: method.descriptor.fullName,
                            descriptors: instance.service.descriptors, request: request,
                            metadata: metadata.map { ($0.name, $0.value) }, timeoutMilliseconds: timeoutMilliseconds,
                            loop: context.loop) { result in
                switch result {
                case .success(let bytes): bound.value(.success(Response(message: bytes, metadata: HTTPHeaders())))
                case .failure(let code, let message): bound.value(.failure(.init(code: code, message: message, metadata: HTTPHeaders())))
                }
            }
            return nil
        }
        let call = UpstreamCall(instance: instance, method: method, metadata: metadata, timeoutMilliseconds: timeoutMilliseconds,
                                maximumMessageBytes: maximumMessageBytes, context: context)
        var response: [UInt8]?
        call.onMessage = { message in
            if response == nil { response = message }
        }
        call.onEnd = { outcome in
            guard outcome.code == .ok else { return completion(.failure(outcome)) }
            guard let response else {
                return completion(.failure(.init(code: .internal, message: "backend sent no response message", metadata: outcome.metadata)))
            }
            completion(.success(Response(message: response, metadata: outcome.metadata)))
        }
        call.start(request: request)
        return call
    }
}
