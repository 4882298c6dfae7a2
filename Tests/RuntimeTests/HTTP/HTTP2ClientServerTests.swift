import Synchronization
import Testing
@testable import Runtime

/// What one HTTP/2 client call returned.
struct H2Result: Sendable {
    var status = 0
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    var trailers: HTTPHeaders?
    var failure: String?
}

/// Opens an h2c connection and performs `calls` concurrent requests, each (method, path, body chunks, trailers).
func h2Calls(port: Int, loop: EventLoop, _ calls: [(String, String, [[UInt8]], HTTPHeaders?)]) async throws -> [H2Result] {
    let result: Result<[H2Result], UVError> = await withCheckedContinuation { continuation in
        loop.execute {
            HTTP2ClientConnection.connect(loop: loop, host: "127.0.0.1", port: port, logger: Logger(minimumLevel: .error)) { connected in
                switch connected {
                case .failure(let error):
                    continuation.resume(returning: .failure(error))
                case .success(let connection):
                    var results = [H2Result](repeating: H2Result(), count: calls.count)
                    var remaining = calls.count
                    func done() {
                        remaining -= 1
                        if remaining == 0 {
                            connection.close()
                            continuation.resume(returning: .success(results))
                        }
                    }
                    for (index, call) in calls.enumerated() {
                        let (method, path, chunks, trailers) = call
                        guard let stream = connection.startStream(method: method, path: path, authority: "test",
                                                                  headers: ["content-type": "application/octet-stream"],
                                                                  endStream: chunks.isEmpty && trailers == nil) else {
                            results[index].failure = "could not start stream"
                            done()
                            continue
                        }
                        stream.onResponseHead = { head in
                            results[index].status = head.status
                            results[index].headers = head.headers
                        }
                        stream.onData = { results[index].body += $0 }
                        stream.onEnd = { trailers in
                            results[index].trailers = trailers
                            done()
                        }
                        stream.onFailure = { _, reason in
                            results[index].failure = reason
                            done()
                        }
                        if !chunks.isEmpty || trailers != nil {
                            for chunk in chunks { stream.send(chunk) }
                            stream.finish(trailers: trailers)
                        }
                    }
                }
            }
        }
    }
    return try result.get()
}

@Suite struct HTTP2ClientServerTests {
    @Test func simpleRequest() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[0], [("GET", "/hello", [], nil)])
        #expect(results[0].status == 200)
        #expect(String(decoding: results[0].body, as: UTF8.self) == "hello")
        #expect(results[0].headers["content-length"] == "5")
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func preparedHeadersAreSentAsGiven() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[0], [
            ("GET", "/prepared", [], nil), ("GET", "/prepared-no-length", [], nil), ("GET", "/prepared-empty", [], nil),
        ])
        #expect(results[0].status == 201)
        #expect(String(decoding: results[0].body, as: UTF8.self) == "prepared")
        #expect(results[0].headers["x-prepared"] == "yes")
        #expect(results[0].headers["content-type"] == "text/plain")
        #expect(results[0].headers["content-length"] == "8")
        // Connection-specific fields never reach HTTP/2 (RFC 9113 §8.2.2).
        #expect(results[0].headers["connection"] == nil)
        #expect(results[1].status == 200)
        #expect(results[1].headers["content-length"] == "3")
        #expect(String(decoding: results[1].body, as: UTF8.self) == "abc")
        #expect(results[2].status == 204)
        #expect(results[2].body.isEmpty)
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func streamsLargeBodiesBothWaysWithTrailers() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        // 6 MiB: far beyond the 1 MiB stream window, so flow control must keep things moving.
        let chunk = (0..<65536).map { UInt8($0 % 256) }
        let chunks = Array(repeating: chunk, count: 96)
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[1],
                                        [("POST", "/echo", chunks, ["x-checksum": "abc"])])
        #expect(results[0].failure == nil)
        #expect(results[0].status == 200)
        #expect(results[0].body.count == 96 * 65536)
        #expect(results[0].body == chunks.flatMap { $0 })
        #expect(results[0].trailers?["x-body-length"] == String(96 * 65536))
        #expect(results[0].trailers?["x-checksum-echo"] == "abc")
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func multiplexesManyConcurrentStreams() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let calls = (0..<80).map { i in ("POST", "/echo", [Array("message \(i)".utf8)], nil as HTTPHeaders?) }
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[0], calls)
        for (i, result) in results.enumerated() {
            #expect(String(decoding: result.body, as: UTF8.self) == "message \(i)")
            #expect(result.trailers?["x-body-length"] == String("message \(i)".utf8.count))
        }
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func serverSideBackpressureDeliversEverything() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[0], [("GET", "/stream?n=4000", [], nil)])
        #expect(results[0].body.count == 4000 * 1024)
        #expect(results[0].trailers?["x-chunks"] == "4000")
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func bodyLimitsAnswer413() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let results = try await h2Calls(port: server.boundAddress.port, loop: group.loops[0], [
            ("POST", "/limited", [Array("small".utf8)], nil),
            ("POST", "/limited", [Array(repeating: 1, count: 100_000)], nil),
        ])
        #expect(results[0].status == 200)
        #expect(results[0].body == Array("small".utf8))
        #expect(results[1].status == 413)
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func connectionFailureIsReported() async {
        let group = EventLoopGroup(count: 1)
        defer { group.shutdown() }
        // Nothing listens on a port we just released.
        let port = Int(octoPickFreePort())
        await #expect(throws: UVError.self) {
            _ = try await h2Calls(port: port, loop: group.loops[0], [("GET", "/", [], nil)])
        }
    }
}
