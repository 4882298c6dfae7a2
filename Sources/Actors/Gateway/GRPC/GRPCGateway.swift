import Protocols
import Runtime

/// The gRPC side of the public port (SPEC §8.2, §8.3): the gateway's own health check,
/// reflection, on-demand calls, and the streaming proxy to long-running instances.
struct GRPCGateway: Sendable {
    let loops: GatewayLoops
    let configuration: GatewayConfiguration
    let log: GatewayAccessLogger
    let onDemand: OnDemandGateway?
    let tokenUsage: TokenUsageRecorder

    static let healthCheckPath = "/grpc.health.v1.Health/Check"

    func handle(_ exchange: HTTPServerExchange) {
        let startedAt = MonotonicClock.nanoseconds()
        let request = exchange.request
        let context = loops.context(for: exchange.loop)
        // The gateway's own health: load balancers probe without routing metadata.
        if request.headers["x-octobus-capset"] == nil, request.path == Self.healthCheckPath {
            GatewayHealth.answer(exchange)
            return
        }
        if let reflection = ReflectionService.version(ofPath: request.path) {
            ReflectionService(table: context.table, version: reflection, log: log, tokenUsage: tokenUsage)
                .handle(exchange, startedAt: startedAt)
            return
        }
        switch GRPCRoute.resolve(context.table, headers: request.headers, path: request.pathString) {
        case .failure(let failure):
            GRPCStatusReply.send(exchange, code: failure.code, message: failure.message)
            log.record(exchange, protocol: .grpc, route: nil, grpcCode: failure.code, method: String(request.path.dropFirst()),
                       startedAt: startedAt)
        case .success(let route):
            if let credential = route.credential { tokenUsage.noteUse(credential) }
            if route.instance.endpoint.mode == .onDemand, let onDemand {
                onDemand.call(exchange, route: route, startedAt: startedAt, log: log)
                return
            }
            GRPCProxyCall(exchange: exchange, route: route, configuration: configuration, log: log).start(pool: context.upstreams, timers: context.timers)
        }
    }
}

/// A trailers-only gRPC response (HTTP 200 with grpc-status in the headers).
enum GRPCStatusReply {
    static func send(_ exchange: HTTPServerExchange, code: GRPCStatusCode, message: String) {
        exchange.discardBody()
        exchange.sendHead(HTTPResponseHead(status: 200, headers: GRPCStatusHeaders.trailers(code, message, includeContentType: true)),
                          endStream: true)
    }
}
