import Runtime

/// `grpc.health.v1.Health/Check{service:""}` over h2c (SPEC §5.1 step 8).
enum HealthCheck {
    enum Outcome: Sendable, Equatable {
        case serving
        case notServing(String)
    }

    /// One attempt with a deadline; never throws — the outcome says what went wrong.
    static func check(loop: EventLoop, port: Int, timeoutMilliseconds: UInt64) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            loop.execute {
                var finished = false
                var connection: HTTP2ClientConnection?
                let timer = LoopTimer(loop: loop)
                func finish(_ outcome: Outcome) {
                    guard !finished else { return }
                    finished = true
                    timer.close()
                    connection?.close()
                    continuation.resume(returning: outcome)
                }
                timer.start(afterMilliseconds: timeoutMilliseconds) { finish(.notServing("health check timed out after \(timeoutMilliseconds) ms")) }
                HTTP2ClientConnection.connect(loop: loop, host: "127.0.0.1", port: port, logger: Logger(minimumLevel: .error)) { result in
                    switch result {
                    case .failure(let error):
                        finish(.notServing("connect: \(error)"))
                    case .success(let opened):
                        connection = opened
                        if finished { opened.close(); return }
                        guard let stream = opened.startStream(
                            method: "POST", path: "/grpc.health.v1.Health/Check", authority: "127.0.0.1:\(port)",
                            headers: ["content-type": "application/grpc", "te": "trailers"], endStream: false) else {
                            finish(.notServing("cannot open a stream"))
                            return
                        }
                        var body: [UInt8] = []
                        var headerStatus: String?
                        stream.onResponseHead = { head in headerStatus = head.headers["grpc-status"] }
                        stream.onData = { body += $0 }
                        stream.onFailure = { _, reason in finish(.notServing(reason)) }
                        stream.onEnd = { trailers in
                            let grpcStatus = trailers?["grpc-status"] ?? headerStatus ?? "unknown"
                            guard grpcStatus == "0" else {
                                let message = trailers?["grpc-message"] ?? ""
                                finish(.notServing("grpc-status \(grpcStatus) \(message)".trimmingASCIIWhitespace()))
                                return
                            }
                            // One length-prefixed HealthCheckResponse; field 1 (status) = 1 means SERVING.
                            if body.count >= 5, body[0] == 0, Array(body[5...]).starts(with: [0x08, 0x01]) {
                                finish(.serving)
                            } else {
                                finish(.notServing("status is not SERVING"))
                            }
                        }
                        stream.send([0, 0, 0, 0, 0], endStream: true)
                    }
                }
            }
        }
    }
}
