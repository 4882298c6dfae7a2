import Protocols
import Runtime

/// The one responder behind the listening port: routes each request by protocol and
/// path (SPEC §8.1). gRPC is recognised by HTTP/2 plus an `application/grpc` content type;
/// everything else is HTTP (`/admin/...`, capset routes).
final class GatewayResponder: HTTPResponder {
    private let admin: AdminRouter

    init(admin: AdminRouter) {
        self.admin = admin
    }

    func handle(_ exchange: HTTPServerExchange) {
        let request = exchange.request
        // gRPC is always an HTTP/2 POST; the method check spares other requests a header scan.
        if request.version == .http2, request.method == "POST", let contentType = request.headers["content-type"],
           contentType.hasPrefix("application/grpc") {
            GRPCStatusReply.send(exchange, code: 12, message: "no gRPC route serves \(request.path): the gRPC gateway is not enabled in this build")
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

/// A trailers-only gRPC response (HTTP 200 with grpc-status in the headers).
enum GRPCStatusReply {
    static func send(_ exchange: HTTPServerExchange, code: Int, message: String) {
        exchange.discardBody()
        let headers: HTTPHeaders = [
            "content-type": "application/grpc",
            "grpc-status": String(code),
            "grpc-message": PercentEncoding.encode(message) { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x25 },
        ]
        exchange.sendHead(HTTPResponseHead(status: 200, headers: headers), endStream: true)
    }
}
