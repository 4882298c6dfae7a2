@testable import Runtime

/// Routes used by the in-process server tests.
/// - `GET /hello`: a small fixed body.
/// - `GET /prepared`, `/prepared-no-length`, `/prepared-empty`: replies with ``PreparedHeaders``.
/// - `POST /echo`: streams the request body back as it arrives, then trailers with its length.
/// - `POST /limited`: collects at most 16 bytes; larger bodies get 413.
/// - `GET /stream?n=K`: K chunks of 1 KiB sent with backpressure, then trailers.
struct TestResponder: HTTPResponder {
    static let prepared = PreparedHeaders(["content-type": "text/plain", "x-prepared": "yes", "content-length": "8",
                                           "connection": "keep-alive"])
    static let preparedWithoutLength = PreparedHeaders(["content-type": "text/plain"])

    func handle(_ exchange: HTTPServerExchange) {
        switch (exchange.request.method, String(exchange.request.path)) {
        case ("GET", "/prepared"):
            exchange.respond(status: 201, prepared: Self.prepared, body: Array("prepared".utf8))
        case ("GET", "/prepared-no-length"):
            // No content-length among the prepared fields: the exchange must add one.
            exchange.respond(status: 200, prepared: Self.preparedWithoutLength, body: Array("abc".utf8))
        case ("GET", "/prepared-empty"):
            exchange.respond(status: 204, prepared: Self.preparedWithoutLength, body: [])
        case ("GET", "/hello"):
            exchange.respond(status: 200, headers: ["content-type": "text/plain"], body: Array("hello".utf8))
        case ("POST", "/echo"):
            var total = 0
            exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/octet-stream"]))
            exchange.readBody(onData: { chunk in
                total += chunk.count
                exchange.sendBody(chunk)
            }, onEnd: { trailers in
                var out: HTTPHeaders = ["x-body-length": String(total)]
                if let checksum = trailers?["x-checksum"] { out.add(name: "x-checksum-echo", value: checksum) }
                exchange.sendTrailers(out)
            })
        case ("POST", "/limited"):
            exchange.collectBody(limit: 16) { result in
                switch result {
                case .success(let body): exchange.respond(status: 200, body: body)
                case .failure: exchange.respond(status: 413, body: Array("too large".utf8))
                }
            }
        case ("GET", "/stream"):
            let count = Int(exchange.request.query.split(separator: "=").last ?? "1") ?? 1
            var sent = 0
            exchange.sendHead(HTTPResponseHead(status: 200))
            func pump() {
                while sent < count, exchange.isWritable {
                    sent += 1
                    exchange.sendBody(Array(repeating: UInt8(sent % 251), count: 1024))
                }
                if sent == count { exchange.sendTrailers(["x-chunks": String(count)]) }
            }
            exchange.onWritable = { pump() }
            pump()
        default:
            exchange.discardBody()
            exchange.respond(status: 404)
        }
    }
}

/// Starts a test server on a free loopback port.
func startTestServer(loops: Int = 2, configuration: HTTPServerConfiguration = HTTPServerConfiguration()) async throws -> (HTTPServer, EventLoopGroup) {
    let group = EventLoopGroup(count: loops)
    let server = try await HTTPServer(address: HostPort(host: "127.0.0.1", port: 0), group: group,
                                      configuration: configuration, responder: TestResponder(), logger: Logger(minimumLevel: .error))
    return (server, group)
}
