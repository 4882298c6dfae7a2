import Protocols
import Runtime

/// The one responder behind the listening port: routes each request by protocol and
/// path (SPEC §8.1). gRPC is recognised by HTTP/2 plus an `application/grpc` content type;
/// everything else is HTTP (`/admin/...`, capset routes).
final class GatewayResponder: HTTPResponder {
    private let admin: AdminRouter
    private let grpc: GRPCGateway

    init(admin: AdminRouter, grpc: GRPCGateway) {
        self.admin = admin
        self.grpc = grpc
    }

    func handle(_ exchange: HTTPServerExchange) {
        let request = exchange.request
        // gRPC is always an HTTP/2 POST; the method check spares other requests a header scan.
        if request.version == .http2, request.method == "POST", let contentType = request.headers["content-type"],
           contentType.hasPrefix("application/grpc") {
            grpc.handle(exchange)
            return
        }
        if request.pathHasSegmentPrefix(AdminRouter.prefix) {
            admin.handle(exchange)
            return
        }
        exchange.discardBody()
        var body = JSONWriter().bytes(.object(["error": .string("not found")]))
        body.append(10)
        exchange.respond(status: 404, headers: ["content-type": "application/json"], body: body)
    }
}
