import Protocols
import Runtime

/// The one responder behind the listening port: routes each request by protocol and
/// path (SPEC §8.1). gRPC is recognised by HTTP/2 plus an `application/grpc` content type;
/// everything else is HTTP: `/admin/v1/…`, and the capset routes
/// `/capsets/{c}/mcp`, `/capsets/{c}/openapi.json|yaml`, `/capsets/{c}/connect/{i}/{pkg.Svc}/{M}`.
final class GatewayResponder: HTTPResponder {
    private let admin: AdminRouter
    private let grpc: GRPCGateway
    private let connect: ConnectGateway
    private let mcp: MCPGateway
    private let openAPI: OpenAPIGateway
    private let browsers: BrowserRequestPolicy
    private let log: GatewayAccessLogger

    init(admin: AdminRouter, grpc: GRPCGateway, connect: ConnectGateway, mcp: MCPGateway, openAPI: OpenAPIGateway,
         browsers: BrowserRequestPolicy, log: GatewayAccessLogger) {
        self.admin = admin
        self.grpc = grpc
        self.connect = connect
        self.mcp = mcp
        self.openAPI = openAPI
        self.browsers = browsers
        self.log = log
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
        if request.pathHasSegmentPrefix("/capsets") {
            // Split as bytes: `/` is ASCII, and Character iteration is the slow part of a split.
            let segments = request.path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst(2)
                .map { PercentEncoding.decode(String(Substring($0))) }
            if let refusal = browsers.refusal(request) {
                refuse(exchange, capset: segments.first ?? "", isConnect: segments.count > 1 && segments[1] == "connect",
                       isMCP: segments.count == 2 && segments[1] == "mcp", message: refusal)
                return
            }
            switch segments.count {
            case 2 where segments[1] == "mcp":
                mcp.handle(exchange, capsetID: segments[0])
                return
            case 2 where segments[1] == "openapi.json" || segments[1] == "openapi.yaml":
                openAPI.handle(exchange, capsetID: segments[0], yaml: segments[1] == "openapi.yaml")
                return
            case 5 where segments[1] == "connect":
                connect.handle(exchange, capsetID: segments[0], instanceID: segments[2], procedure: segments[3] + "/" + segments[4])
                return
            case 2...:
                if segments[1] == "connect" {
                    // A Connect path without instance, service and method: a Connect error.
                    exchange.discardBody()
                    exchange.respondJSON(status: 404, ConnectError(.notFound, "unknown Connect route").json)
                    return
                }
            default:
                break
            }
        }
        exchange.discardBody()
        exchange.respondJSON(status: 404, ["error": "not found"])
    }

    /// A 403 for a refused browser request, in the route's own error format, once the (small)
    /// body has been read: an HTTP/2 answer sent mid-upload ends with RST_STREAM(NO_ERROR),
    /// which some clients report as a failed transfer instead of the answer.
    /// The refusal is an access-log line like any public request (the web page's attempt shows).
    private func refuse(_ exchange: HTTPServerExchange, capset: String, isConnect: Bool, isMCP: Bool, message: String) {
        let startedAt = MonotonicClock.nanoseconds()
        let error: JSONValue = isConnect ? ConnectError(.permissionDenied, message).json
            : isMCP ? JSONRPCResponse.error(id: .null, code: .invalidRequest, message: message)
            : .object(["error": .string(message)])
        exchange.collectBody(limit: ConnectGateway.maximumBodyBytes) { [log] _ in
            exchange.respondJSON(status: 403, error)
            log.record(exchange, protocol: isConnect ? .connect : isMCP ? .mcp : .openapi, route: nil,
                       grpcCode: isConnect ? .permissionDenied : nil, httpStatus: 403, capset: capset, method: "", startedAt: startedAt)
        }
    }
}
