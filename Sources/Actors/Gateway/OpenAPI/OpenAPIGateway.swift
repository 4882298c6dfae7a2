import Protocols
import Runtime

/// `GET /capsets/{c}/openapi.json|.yaml` (SPEC §8.6): the capset's Connect endpoints as an
/// OpenAPI 3.1 document, behind the capset's tokens; errors `{"error": M}`.
struct OpenAPIGateway: Sendable {
    let loops: GatewayLoops
    let log: GatewayAccessLogger
    let tokenUsage: TokenUsageRecorder

    func handle(_ exchange: HTTPServerExchange, capsetID: String, yaml: Bool) {
        let startedAt = MonotonicClock.nanoseconds()
        exchange.discardBody()
        func answer(_ status: Int, _ contentType: String, _ body: [UInt8]) {
            exchange.respond(status: status, headers: ["content-type": contentType], body: body)
            log.record(exchange, protocol: .openapi, route: nil, grpcCode: nil, httpStatus: status, capset: capsetID,
                       method: "", startedAt: startedAt)
        }
        func error(_ status: Int, _ message: String) {
            var body = JSONWriter().bytes(["error": .string(message)])
            body.append(10)
            answer(status, "application/json", body)
        }
        guard exchange.request.method == "GET" else { return error(405, "method not allowed") }
        guard let capset = loops.context(for: exchange.loop).table.capsets[capsetID] else { return error(404, "capset not found") }
        switch GRPCRoute.authorize(capset, headers: exchange.request.headers) {
        case .failure(let failure): return error(401, failure.message)
        case .success(let credential): if let credential { tokenUsage.noteUse(credential) }
        }
        guard capset.record.enabled else { return error(404, "capset not found") }
        switch capset.openAPI.document(for: capset) {
        case .success(let rendered):
            answer(200, yaml ? "application/yaml" : "application/json", yaml ? rendered.yaml : rendered.json)
        case .failure(let failure):
            error(500, failure.message)
        }
    }
}
