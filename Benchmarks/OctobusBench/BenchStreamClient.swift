import Foundation
import Runtime

/// gRPC clients for the streaming benchmarks, on our own HTTP/2 client and one event loop
/// (h2load only measures request/response rates).
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

    /// Streams `count` messages of `size` bytes on each of `streams` parallel server streams
    /// over one connection; returns messages per second (all streams together).
    func countRate(port: Int, metadata: [(String, String)], streams: Int, count: Int, size: Int) async throws -> Double {
        let connection = try await connect(port: port)
        let varintLength = size < 1 << 7 ? 1 : size < 1 << 14 ? 2 : size < 1 << 21 ? 3 : 4
        let messageBytes = 5 + 3 + varintLength + size
        let started = Date()
        let received: Int = try await withCheckedThrowingContinuation { continuation in
            loop.execute {
                var open = streams
                var total = 0
                var failed = false
                for _ in 0..<streams {
                    guard let stream = connection.value.startStream(method: "POST", path: "/bench.v1.Counter/Count", authority: "127.0.0.1:\(port)",
                                                                    headers: Self.headers(metadata), endStream: false) else {
                        continuation.resume(throwing: Harness.Failure(description: "cannot start a stream"))
                        return
                    }
                    stream.onData = { total += $0.count }
                    stream.onEnd = { trailers in
                        if trailers?["grpc-status"] != "0" && !failed {
                            failed = true
                            continuation.resume(throwing: Harness.Failure(description: "stream ended with \(trailers?["grpc-status"] ?? "no status") \(trailers?["grpc-message"] ?? "")"))
                            return
                        }
                        open -= 1
                        if open == 0 && !failed { continuation.resume(returning: total) }
                    }
                    stream.onFailure = { _, reason in
                        if !failed {
                            failed = true
                            continuation.resume(throwing: Harness.Failure(description: "stream failed: \(reason)"))
                        }
                    }
                    stream.send(Self.countRequest(count, size), endStream: true)
                }
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        loop.execute { connection.value.close() }
        guard received == messageBytes * count * streams else {
            throw Harness.Failure(description: "received \(received) bytes, expected \(messageBytes * count * streams)")
        }
        return Double(count * streams) / elapsed
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
