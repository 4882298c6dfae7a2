import Protocols
import Runtime

/// Writes a streamed `application/x-ndjson` response from any task: each value is one
/// line, sent in order on the exchange's loop (HTTP/1.1 chunked or HTTP/2 DATA frames).
final class NDJSONStream: Sendable {
    private let exchange: LoopBound<HTTPServerExchange>

    init(_ exchange: LoopBound<HTTPServerExchange>) {
        self.exchange = exchange
    }

    func begin() {
        exchange.loop.execute { [exchange] in
            exchange.value.sendHead(HTTPResponseHead(status: 200, headers: [
                "content-type": "application/x-ndjson", "cache-control": "no-store",
            ]))
        }
    }

    func send(_ value: JSONValue) {
        var bytes = JSONWriter().bytes(value)
        bytes.append(10)
        let line = bytes
        exchange.loop.execute { [exchange] in exchange.value.sendBody(line) }
    }

    func finish() {
        exchange.loop.execute { [exchange] in exchange.value.sendBody([], endStream: true) }
    }
}
