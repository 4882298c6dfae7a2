import Foundation
import Runtime

/// Holds thousands of open gRPC streams through the gateway, on our own HTTP/2 client and
/// one event loop (a shape neither h2load nor `octobus bench`, which measure rates, produce).
final class BenchStreamClient: @unchecked Sendable {
    // Loop-confined state below; `loop` runs every callback.
    let loop: EventLoop

    init() {
        loop = EventLoop(name: "bench-client")
        loop.start()
    }

    deinit {
        loop.requestStop()
        loop.join()
    }

    static func countRequest(_ count: Int, _ size: Int) -> [UInt8] {
        func varint(_ value: Int) -> [UInt8] {
            var out: [UInt8] = []
            var v = value
            repeat {
                out.append(UInt8(v & 0x7F) | (v >= 0x80 ? 0x80 : 0))
                v >>= 7
            } while v > 0
            return out
        }
        let message = [0x08] + varint(count) + [0x10] + varint(size)
        return [0, 0, 0, 0, UInt8(message.count)] + message
    }

    private static func headers(_ metadata: [(String, String)]) -> HTTPHeaders {
        var headers: HTTPHeaders = ["content-type": "application/grpc", "te": "trailers"]
        for (name, value) in metadata { headers.add(name: name, value: value) }
        return headers
    }

    private func connect(port: Int) async throws -> LoopBound<HTTP2ClientConnection> {
        try await withCheckedThrowingContinuation { continuation in
            loop.execute { [loop] in
                HTTP2ClientConnection.connect(loop: loop, host: "127.0.0.1", port: port, logger: Logger(minimumLevel: .error)) { result in
                    switch result {
                    case .success(let connection): continuation.resume(returning: LoopBound(connection, loop: loop))
                    case .failure(let error): continuation.resume(throwing: Harness.Failure(description: "connect: \(error)"))
                    }
                }
            }
        }
    }

    /// Opens `perConnection` Hold streams on each of `connections` connections and returns
    /// once every stream has its response headers; `release` closes them all.
    func holdStreams(port: Int, metadata: [(String, String)], connections: Int, perConnection: Int) async throws -> @Sendable () async -> Void {
        var opened: [LoopBound<HTTP2ClientConnection>] = []
        for _ in 0..<connections { opened.append(try await connect(port: port)) }
        let all = opened
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            loop.execute {
                var waiting = connections * perConnection
                var failed = false
                for connection in all {
                    for _ in 0..<perConnection {
                        guard let stream = connection.value.startStream(method: "POST", path: "/bench.v1.Counter/Hold", authority: "127.0.0.1:\(port)",
                                                                        headers: Self.headers(metadata), endStream: false) else {
                            failed = true
                            continuation.resume(throwing: Harness.Failure(description: "cannot start a stream"))
                            return
                        }
                        stream.onResponseHead = { head in
                            guard !failed else { return }
                            if head.headers["grpc-status"] != nil {
                                failed = true
                                continuation.resume(throwing: Harness.Failure(description: "Hold refused: \(head.headers["grpc-message"] ?? "")"))
                                return
                            }
                            waiting -= 1
                            if waiting == 0 {
                                failed = true // resolved: later failures (the release closing streams) are expected
                                continuation.resume()
                            }
                        }
                        stream.onFailure = { _, reason in
                            guard !failed else { return }
                            failed = true
                            continuation.resume(throwing: Harness.Failure(description: "Hold stream failed: \(reason)"))
                        }
                        stream.send(Self.countRequest(0, 0), endStream: true)
                    }
                }
            }
        }
        return { [loop] in
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                loop.execute {
                    for connection in all { connection.value.close() }
                    continuation.resume()
                }
            }
        }
    }
}
