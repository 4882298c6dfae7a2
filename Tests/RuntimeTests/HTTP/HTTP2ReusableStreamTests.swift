import Synchronization
import Testing
@testable import Runtime

/// A reusable stream started again and again with one ``PreparedRequest`` (the load
/// generator's path): every request arrives whole, fields and body go out as prepared, and
/// the borrowed callbacks see each response.
@Suite struct HTTP2ReusableStreamTests {
    /// What the reusable stream saw over `rounds` requests.
    struct Seen: Sendable {
        var statuses: [Int] = []
        var bodies: [[UInt8]] = []
        var fields: [String] = []
        var idles = 0
    }

    private func run(port: Int, loop: EventLoop, request: PreparedRequest, rounds: Int) async throws -> Seen {
        await withCheckedContinuation { (continuation: CheckedContinuation<Seen, Never>) in
            loop.execute {
                HTTP2ClientConnection.connect(loop: loop, host: "127.0.0.1", port: port, logger: Logger(minimumLevel: .error)) { result in
                    guard case .success(let connection) = result else { return continuation.resume(returning: Seen()) }
                    let stream = HTTP2ClientStream()
                    var seen = Seen()
                    var body: [UInt8] = []
                    stream.onResponseHead = { seen.statuses.append($0.status) }
                    stream.onHeaderField = { name, value in
                        seen.fields.append(String(decoding: name, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self))
                    }
                    stream.onDataBytes = { body.append(contentsOf: $0) }
                    stream.onEnd = { trailers in
                        #expect(trailers == nil) // borrowed fields: no header lists are built
                        seen.bodies.append(body)
                        body = []
                    }
                    stream.onFailure = { _, reason in Issue.record("stream failed: \(reason)") }
                    stream.onIdle = {
                        seen.idles += 1
                        #expect(!stream.isAttached)
                        if seen.idles < rounds {
                            #expect(connection.startStream(stream, prepared: request))
                        } else {
                            stream.onIdle = nil
                            stream.onEnd = nil
                            connection.close()
                            continuation.resume(returning: seen)
                        }
                    }
                    #expect(connection.startStream(stream, prepared: request))
                }
            }
        }
    }

    @Test func echoesThePreparedBodyEveryTime() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) } // larger than one DATA frame
        let request = PreparedRequest(method: "POST", path: "/echo", authority: "test",
                                      headers: ["content-type": "application/octet-stream", "connection": "close"], body: payload)
        let seen = try await run(port: server.boundAddress.port, loop: group.loops[0], request: request, rounds: 5)
        #expect(seen.statuses == [200, 200, 200, 200, 200])
        #expect(seen.bodies == [[UInt8]](repeating: payload, count: 5))
        #expect(seen.idles == 5)
        #expect(seen.fields.filter { $0 == "x-body-length=100000" }.count == 5)
        #expect(seen.fields.allSatisfy { !$0.hasPrefix(":") })
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }

    @Test func bodylessRequestsEndWithTheirHeaders() async throws {
        let (server, group) = try await startTestServer()
        defer { group.shutdown() }
        let request = PreparedRequest(method: "GET", path: "/hello", authority: "test", headers: HTTPHeaders(), body: [])
        let seen = try await run(port: server.boundAddress.port, loop: group.loops[0], request: request, rounds: 3)
        #expect(seen.statuses == [200, 200, 200])
        #expect(seen.bodies.map { String(decoding: $0, as: UTF8.self) } == ["hello", "hello", "hello"])
        await server.shutdown(gracePeriodMilliseconds: 1000)
    }
}
