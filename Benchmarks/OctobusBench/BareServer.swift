import Foundation
import Runtime

/// The runtime alone: an `HTTPServer` whose responder answers every request with the same
/// prepared 29-byte JSON body. Run as `OctobusBench bare-server [--loops N]`; it prints its
/// port and serves until killed. Comparing it with `octobus serve` separates the cost of
/// the HTTP/2 runtime from the cost of routing in the daemon.
struct FixedResponder: HTTPResponder {
    static let body = Array("{\"status\":\"ok\",\"services\":0}\n".utf8)
    static let headers = PreparedHeaders(["content-type": "application/json", "content-length": String(body.count)])

    func handle(_ exchange: HTTPServerExchange) {
        exchange.respond(status: 200, prepared: Self.headers, body: Self.body)
    }
}

enum BareServer {
    static func run(loops: Int) async throws {
        try AllocatorTuning.apply() // as `octobus serve` does
        ServerProcess.prepare()
        let group = EventLoopGroup(count: loops)
        let server = try await HTTPServer(address: HostPort(host: "127.0.0.1", port: 0), group: group,
                                          responder: FixedResponder(), logger: Logger(minimumLevel: .error))
        FileHandle.standardOutput.write(Data("port=\(server.boundAddress.port)\n".utf8))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
