import Protocols
import Runtime

/// Resolves a gRPC request to the method it may call (SPEC §8.2, §8.8, §10): routing
/// metadata, capset token, binding and method lookup, backend state. Pure over a routing
/// table, so it is tested without sockets.
struct GRPCRoute: Sendable {
    let capset: CapsetRoute
    let instance: InstanceRoute
    let method: MethodRoute
    /// The credential that authorised the call (its `authorization` header is not forwarded).
    let credential: TokenCredential?

    /// Why a call cannot be routed: a gRPC status with the message clients see.
    struct Failure: Error, Equatable, Sendable {
        let code: GRPCStatusCode
        let message: String
        init(_ code: GRPCStatusCode, _ message: String) {
            self.code = code
            self.message = message
        }
    }

    static let missingMetadata = Failure(.invalidArgument, "x-octobus-capset and x-octobus-instance metadata are required")
    static let tokenRequired = Failure(.unauthenticated, "capset token is required")
    static let notExposed = Failure(.notFound, "method is not exposed by capset")

    static func resolve(_ table: RoutingTable, headers: HTTPHeaders, path: String) -> Result<GRPCRoute, Failure> {
        guard let capsetID = headers["x-octobus-capset"], !capsetID.isEmpty,
              let instanceID = headers["x-octobus-instance"], !instanceID.isEmpty else {
            return .failure(missingMetadata)
        }
        guard let capset = table.capsets[capsetID] else { return .failure(notExposed) }
        let credential: TokenCredential?
        switch authorize(capset, headers: headers) {
        case .success(let matched): credential = matched
        case .failure(let failure): return .failure(failure)
        }
        guard let instance = capset.instances[instanceID] else { return .failure(notExposed) }
        guard let method = instance.methods[path] else {
            // SPEC §8.2: an unbound streaming method of the service says so.
            if let descriptor = instance.service.descriptors?.method(path: path), !descriptor.isUnary {
                return .failure(Failure(.unimplemented, "method is not a unary service method"))
            }
            return .failure(notExposed)
        }
        let endpoint = instance.endpoint
        if endpoint.mode == .onDemand, !method.descriptor.isUnary {
            return .failure(Failure(.unimplemented, "streaming methods are not supported by on-demand runtime"))
        }
        guard endpoint.isCallable else { return .failure(Failure(.unavailable, "backend instance is not running")) }
        return .success(GRPCRoute(capset: capset, instance: instance, method: method, credential: credential))
    }

    /// The capset's token check: open capsets pass; otherwise a matching bearer token.
    static func authorize(_ capset: CapsetRoute, headers: HTTPHeaders) -> Result<TokenCredential?, Failure> {
        guard !capset.tokens.isEmpty else { return .success(nil) }
        guard let token = BearerToken.parse(headers["authorization"]), let credential = capset.tokens.match(token) else {
            return .failure(tokenRequired)
        }
        return .success(credential)
    }
}
