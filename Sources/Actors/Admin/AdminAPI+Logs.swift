import Protocols
import Runtime

/// `GET /admin/v1/logs/access` (SPEC §9): filters `capset`, `instance`, `service`;
/// `limit` (default 200, 0 = all) or `tail`; `follow` streams new lines every 200 ms until
/// the client disconnects (or the daemon stops).
extension AdminAPI {
    var logRoutes: [AdminRoute] {
        [
            AdminRoute("GET", "logs/access", .async { [state, accessLogPath, pool] call throws(AdminError) in
                func count(_ name: String) throws(AdminError) -> Int? {
                    guard let text = call.queryValue(name) else { return nil }
                    guard let value = Int(text), value >= 0 else { throw AdminError.badRequest("\(name) must be a non-negative integer") }
                    return value
                }
                let limit = try count("limit")
                let tail = try count("tail")
                var follow = false
                if let text = call.queryValue("follow") {
                    guard text == "true" || text == "false" || text.isEmpty else { throw AdminError.badRequest("follow must be true or false") }
                    follow = text != "false"
                }
                if limit != nil && tail != nil { throw AdminError.badRequest("limit and tail are mutually exclusive") }
                if limit != nil && follow { throw AdminError.badRequest("limit and follow are mutually exclusive") }
                let query = AccessLogQuery(capset: call.queryValue("capset").flatMap { $0.isEmpty ? nil : $0 },
                                           instance: call.queryValue("instance").flatMap { $0.isEmpty ? nil : $0 },
                                           service: call.queryValue("service").flatMap { $0.isEmpty ? nil : $0 })
                let path = accessLogPath
                let following = follow
                let initial: (lines: [[UInt8]], offset: Int) = await pool.run {
                    if let tail { return query.last(path: path, count: tail) }
                    if following { return query.last(path: path, count: 200) }
                    return query.first(path: path, limit: limit ?? 200)
                }
                guard follow else {
                    return .raw(200, contentType: "application/x-ndjson", body: initial.lines.flatMap { $0 })
                }
                let stream = LogFollowStream(call.exchange)
                guard await stream.begin(with: initial.lines.flatMap { $0 }) else { return .streamed }
                var offset = initial.offset
                while !state.isShuttingDown {
                    try? await Task.sleep(for: .milliseconds(200))
                    let start = offset
                    let more: (lines: [[UInt8]], offset: Int) = await pool.run { query.after(path: path, offset: start) }
                    offset = more.offset
                    guard await stream.send(more.lines.flatMap { $0 }) else { return .streamed }
                }
                await stream.finish()
                return .streamed
            }),
        ]
    }
}

/// An open-ended NDJSON response whose client may go away at any time: each send reports
/// whether the client is still there.
final class LogFollowStream: Sendable {
    private let exchange: LoopBound<HTTPServerExchange>

    init(_ exchange: LoopBound<HTTPServerExchange>) {
        self.exchange = exchange
    }

    func begin(with bytes: [UInt8]) async -> Bool {
        await onLoop { exchange in
            exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/x-ndjson", "cache-control": "no-store"]))
            if !bytes.isEmpty { exchange.sendBody(bytes) }
        }
    }

    /// False once the client is gone.
    func send(_ bytes: [UInt8]) async -> Bool {
        await onLoop { exchange in if !bytes.isEmpty { exchange.sendBody(bytes) } }
    }

    func finish() async {
        _ = await onLoop { $0.sendBody([], endStream: true) }
    }

    private func onLoop(_ body: @escaping @Sendable (HTTPServerExchange) -> Void) async -> Bool {
        await withCheckedContinuation { continuation in
            exchange.loop.execute { [exchange] in
                let value = exchange.value
                guard !value.isAborted, !value.isFinished else {
                    continuation.resume(returning: false)
                    return
                }
                body(value)
                continuation.resume(returning: !value.isAborted)
            }
        }
    }
}
