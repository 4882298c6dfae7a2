import Synchronization
import Testing
@testable import Runtime

/// Sends raw bytes on one TCP connection and collects everything until the server closes
/// it (or `untilBytesContain` appears).
func rawExchange(port: Int, loop: EventLoop, send: [UInt8], untilBytesContain marker: String? = nil,
                 timeoutMilliseconds: UInt64 = 5000) async -> String {
    final class Collector: TCPConnectionDelegate {
        var bytes: [UInt8] = []
        var done: ((String) -> Void)?
        let marker: [UInt8]?
        init(marker: String?) { self.marker = marker.map { Array($0.utf8) } }
        func finish(_ connection: TCPConnection) {
            guard let done else { return }
            self.done = nil
            connection.close()
            done(String(decoding: bytes, as: UTF8.self))
        }
        func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
            self.bytes += bytes
            if let marker, self.bytes.count >= marker.count,
               (0...(self.bytes.count - marker.count)).contains(where: { self.bytes[$0..<$0 + marker.count].elementsEqual(marker) }) {
                finish(connection)
            }
        }
        func connectionDidReadEOF(_ connection: TCPConnection) { finish(connection) }
        func connectionDidDrainWrites(_ connection: TCPConnection) {}
        func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
            if let done { self.done = nil; done(String(decoding: bytes, as: UTF8.self)) }
        }
    }
    return await withCheckedContinuation { continuation in
        loop.execute {
            TCPConnection.connect(loop: loop, host: "127.0.0.1", port: port) { result in
                guard case .success(let connection) = result else {
                    continuation.resume(returning: "<connect failed>")
                    return
                }
                let collector = Collector(marker: marker)
                collector.done = { continuation.resume(returning: $0) }
                connection.delegate = collector
                connection.startReading()
                connection.write(send)
                let timer = LoopTimer(loop: loop)
                timer.start(afterMilliseconds: timeoutMilliseconds) {
                    timer.close()
                    collector.finish(connection)
                }
            }
        }
    }
}

@Suite struct HTTP1ServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let request = "GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array(request.utf8))
        #expect(reply.components("HTTP/1.1 200 OK") == 2)
        #expect(reply.components("hello") == 2)
        #expect(reply.contains("connection: close"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func preparedHeadersOnHTTP1() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let request = "GET /prepared HTTP/1.1\r\nHost: x\r\n\r\nGET /prepared-no-length HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array(request.utf8))
        let responses = reply.split(separator: "HTTP/1.1 ").map(String.init)
        #expect(responses.count == 2)
        let first = responses.first ?? ""
        #expect(first.hasPrefix("201 Created\r\n"))
        #expect(first.lowercased().contains("x-prepared: yes\r\n"))
        #expect(first.hasSuffix("\r\n\r\nprepared"))
        let second = responses.dropFirst().first ?? ""
        #expect(second.hasPrefix("200 OK\r\n"))
        #expect(second.lowercased().contains("content-length: 3\r\n"))
        #expect(second.hasSuffix("\r\n\r\nabc"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func chunkedRequestGetsChunkedResponseWithTrailers() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let request = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array(request.utf8))
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(reply.contains("transfer-encoding: chunked"))
        #expect(reply.contains("x-body-length: 11\r\n"))
        #expect(reply.contains("x-checksum-echo: abc\r\n"))
        #expect(reply.hasSuffix("\r\n\r\n"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func expectContinueGetsInterimResponse() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let head = "POST /limited HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array(head.utf8),
                                      untilBytesContain: "100 Continue\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func oversizedBodyGets413AndTheConnectionCloses() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let head = "POST /limited HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0],
                                      send: Array(head.utf8) + Array(repeating: 120, count: 100_000))
        #expect(reply.hasPrefix("HTTP/1.1 413"))
        #expect(reply.contains("connection: close"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func malformedRequestGets400() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array("GET / HTTP/1.1\r\nBad Header\r\n\r\n".utf8))
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func slowHeadersTimeOutWith408() async throws {
        var configuration = HTTPServerConfiguration()
        configuration.headerTimeoutMilliseconds = 300
        let (server, group) = try await startTestServer(configuration: configuration)
        defer { group.shutdown() }
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array("GET / HTTP/1.1\r\nHost:".utf8))
        #expect(reply.hasPrefix("HTTP/1.1 408"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func upgradesToH2C() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        // SETTINGS payload: empty (base64url of nothing is "").
        let request = "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: \r\n\r\n"
        let reply = await rawExchange(port: server.boundAddress.port, loop: group.loops[0], send: Array(request.utf8),
                                      untilBytesContain: "upgrade: h2c\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"))
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    // The client keeps its keep-alive connection open after its request: only the server's
    // shutdown can close it, and the client must see that close (EOF).
    @Test func gracefulShutdownClosesIdleConnections() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let loop = group.loops[0]
        let client = await IdleClient.open(port: server.boundAddress.port, loop: loop,
                                           request: "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n", replyMarker: "hello")
        #expect(client.reply.contains("200 OK"))
        #expect(await server.connectionCount() == 1)
        #expect(await client.isOpen())
        await server.shutdown(gracePeriodMilliseconds: 2000)
        #expect(await server.connectionCount() == 0)
        #expect(await client.waitUntilClosedByPeer(timeoutMilliseconds: 2000))
    }
}

/// A client connection that stays open after its first reply, and records when the server
/// closes it. Lives on one loop.
final class IdleClient: TCPConnectionDelegate, @unchecked Sendable {
    // Loop-confined state (touched only on `loop`).
    private let loop: EventLoop
    private var connection: TCPConnection?
    private var bytes: [UInt8] = []
    private var marker: [UInt8]
    private var replied: CheckedContinuation<Void, Never>?
    private var peerClosed = false
    private var closeWaiter: CheckedContinuation<Bool, Never>?
    private(set) var reply = ""

    private init(loop: EventLoop, marker: String) {
        self.loop = loop
        self.marker = Array(marker.utf8)
    }

    static func open(port: Int, loop: EventLoop, request: String, replyMarker: String) async -> IdleClient {
        let client = IdleClient(loop: loop, marker: replyMarker)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.execute {
                client.replied = continuation
                TCPConnection.connect(loop: loop, host: "127.0.0.1", port: port) { result in
                    guard case .success(let connection) = result else {
                        client.replied = nil
                        continuation.resume()
                        return
                    }
                    client.connection = connection
                    connection.delegate = client
                    connection.startReading()
                    connection.write(Array(request.utf8))
                }
            }
        }
        return client
    }

    func isOpen() async -> Bool {
        await withCheckedContinuation { continuation in
            loop.execute { continuation.resume(returning: self.connection.map { !$0.isClosed } ?? false && !self.peerClosed) }
        }
    }

    /// True once the server closed the connection (EOF or close), false after the timeout.
    func waitUntilClosedByPeer(timeoutMilliseconds: UInt64) async -> Bool {
        await withCheckedContinuation { continuation in
            loop.execute {
                if self.peerClosed { continuation.resume(returning: true); return }
                self.closeWaiter = continuation
                let timer = LoopTimer(loop: self.loop)
                timer.start(afterMilliseconds: timeoutMilliseconds) {
                    timer.close()
                    if let waiter = self.closeWaiter {
                        self.closeWaiter = nil
                        waiter.resume(returning: false)
                    }
                    self.connection?.close()
                }
            }
        }
    }

    func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
        self.bytes += bytes
        let text = String(decoding: self.bytes, as: UTF8.self)
        if let replied, text.contains(String(decoding: marker, as: UTF8.self)) {
            self.replied = nil
            reply = text
            replied.resume()
        }
    }

    func connectionDidReadEOF(_ connection: TCPConnection) {
        markClosed()
        connection.close()
    }

    func connectionDidDrainWrites(_ connection: TCPConnection) {}

    func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
        markClosed()
    }

    private func markClosed() {
        peerClosed = true
        if let replied {
            self.replied = nil
            replied.resume()
        }
        if let waiter = closeWaiter {
            closeWaiter = nil
            waiter.resume(returning: true)
        }
    }
}

extension String {
    /// Number of non-overlapping occurrences of `needle`.
    func components(_ needle: String) -> Int {
        var count = 0
        var rest = self[...]
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
