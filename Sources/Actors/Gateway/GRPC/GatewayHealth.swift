import Protocols
import Runtime

/// `grpc.health.v1.Health/Check` for the gateway itself (no routing metadata): SERVING
/// while the daemon accepts calls, so load balancers can probe the port.
enum GatewayHealth {
    /// A HealthCheckResponse with status SERVING (field 1 = 1), framed.
    static let serving = GRPCMessageReader.frame([0x08, 0x01])

    static func answer(_ exchange: HTTPServerExchange) {
        exchange.discardBody()
        exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/grpc"]))
        exchange.sendBody(serving)
        exchange.sendTrailers(GRPCStatusHeaders.trailers(.ok, ""))
    }
}
