import Synchronization
import Testing
@testable import Runtime

/// Records weak references to every exchange it sees; `/hang` never answers and counts aborts.
final class ExchangeTracker: HTTPResponder, @unchecked Sendable {
    private struct State: @unchecked Sendable {
        var exchanges: [Weak] = []
        var aborted = 0
        var hanging = 0
    }
    private struct Weak: @unchecked Sendable { weak var exchange: HTTPServerExchange? }
    private let state = Mutex(State())

    func handle(_ exchange: HTTPServerExchange) {
        state.withLock { $0.exchanges.append(Weak(exchange: exchange)) }
        if exchange.request.path == "/hang" {
            exchange.onAbort = { [self] in state.withLock { $0.aborted += 1 } }
            state.withLock { $0.hanging += 1 }
        } else {
            exchange.respond(status: 200, body: Array("ok".utf8))
        }
    }

    var hanging: Int { state.withLock { $0.hanging } }
    var aborted: Int { state.withLock { $0.aborted } }
    var seen: Int { state.withLock { $0.exchanges.count } }
    /// Exchanges still alive (must be read on the loop that owns them).
    var alive: Int { state.withLock { $0.exchanges.filter { $0.exchange != nil }.count } }
}

/// The server owns each open stream's exchange through a manual retain (no table): these
/// tests check that every exchange is released once its stream ends, whichever way it ends.
@Suite struct HTTP2StreamLifetimeTests {
    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<400 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }

    private func onLoop(_ loop: EventLoop, _ body: @escaping @Sendable () -> Int) async -> Int {
        await withCheckedContinuation { continuation in loop.execute { continuation.resume(returning: body()) } }
    }

    @Test func exchangesAreReleasedAfterCompletedAndAbortedStreams() async throws {
        let group = EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let tracker = ExchangeTracker()
        let server = try await HTTPServer(address: HostPort(host: "127.0.0.1", port: 0), group: group,
                                          responder: tracker, logger: Logger(minimumLevel: .error))
        let loop = group.loops[0]
        let port = server.boundAddress.port
        let completed = Mutex(0)
        let client: LoopBound<HTTP2ClientConnection> = try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                HTTP2ClientConnection.connect(loop: loop, host: "127.0.0.1", port: port, logger: Logger(minimumLevel: .error)) { result in
                    switch result {
                    case .failure(let error): continuation.resume(throwing: error)
                    case .success(let connection):
                        for index in 0..<30 {
                            let path = index < 25 ? "/ok" : "/hang"
                            let stream = connection.startStream(method: "GET", path: path, authority: "test", headers: HTTPHeaders(), endStream: true)
                            stream?.onEnd = { _ in completed.withLock { $0 += 1 } }
                        }
                        continuation.resume(returning: LoopBound(connection, loop: loop))
                    }
                }
            }
        }
        try await waitUntil { completed.withLock { $0 } == 25 && tracker.hanging == 5 }
        #expect(completed.withLock { $0 } == 25)
        #expect(tracker.hanging == 5)
        // The 25 answered streams are closed: their exchanges are gone, the 5 hanging ones live.
        let aliveWhileOpen = await onLoop(loop) { tracker.alive }
        #expect(aliveWhileOpen == 5)

        // Closing the client connection aborts the hanging streams and releases them too.
        loop.execute { client.value.close() }
        try await waitUntil { tracker.aborted == 5 }
        #expect(tracker.aborted == 5)
        try await waitUntil { tracker.alive == 0 }
        let aliveAfterClose = await onLoop(loop) { tracker.alive }
        #expect(aliveAfterClose == 0)
        #expect(tracker.seen == 30)
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }
}
