import Foundation
import Runtime

/// A gRPC backend on our own runtime, so gateway benchmarks measure the gateway rather than
/// a Node.js handler: `OctobusBench backend --port N` (or `--runtime serve … --port N`, the
/// instance contract, when it runs behind `octobus serve` through `bench-package/`).
///
/// Methods (hand-coded protobuf, no descriptors at run time):
/// - `grpc.health.v1.Health/Check` → SERVING
/// - `calculator.v1.CalculatorService/Add` (`{double left=1; double right=2}` → `{double result=1}`)
/// - `bench.v1.Counter/Count` (`{int32 count=1; int32 size=2}` → stream of `{int32 index=1; bytes payload=2}`),
///   sent as fast as flow control allows
/// - `bench.v1.Counter/Hold`: response headers, then nothing until the client goes away
struct NativeBackendResponder: HTTPResponder {
    static let grpcHeaders: HTTPHeaders = ["content-type": "application/grpc"]
    static let okTrailers: HTTPHeaders = ["grpc-status": "0"]
    static let serving: [UInt8] = [0, 0, 0, 0, 2, 0x08, 0x01]

    func handle(_ exchange: HTTPServerExchange) {
        switch exchange.request.path {
        case "/calculator.v1.CalculatorService/Add": add(exchange)
        case "/bench.v1.Counter/Count": count(exchange)
        case "/bench.v1.Counter/Hold":
            exchange.discardBody()
            exchange.sendHead(HTTPResponseHead(status: 200, headers: Self.grpcHeaders))
        case "/grpc.health.v1.Health/Check":
            exchange.discardBody()
            exchange.sendHead(HTTPResponseHead(status: 200, headers: Self.grpcHeaders))
            exchange.sendBody(Self.serving)
            exchange.sendTrailers(Self.okTrailers)
        default:
            exchange.discardBody()
            exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/grpc", "grpc-status": "12"]), endStream: true)
        }
    }

    private func add(_ exchange: HTTPServerExchange) {
        exchange.collectBody(limit: 1 << 16) { result in
            guard case .success(let body) = result, body.count >= 5 else {
                exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/grpc", "grpc-status": "3"]), endStream: true)
                return
            }
            var left = 0.0, right = 0.0
            var index = 5
            while index + 9 <= body.count {
                let tag = body[index]
                var bits: UInt64 = 0
                for byte in 0..<8 { bits |= UInt64(body[index + 1 + byte]) << (8 * byte) }
                if tag == 0x09 { left = Double(bitPattern: bits) } else if tag == 0x11 { right = Double(bitPattern: bits) }
                index += 9
            }
            let bits = (left + right).bitPattern
            var reply: [UInt8] = [0, 0, 0, 0, 9, 0x09]
            for byte in 0..<8 { reply.append(UInt8(truncatingIfNeeded: bits >> (8 * byte))) }
            exchange.sendHead(HTTPResponseHead(status: 200, headers: Self.grpcHeaders))
            exchange.sendBody(reply)
            exchange.sendTrailers(Self.okTrailers)
        }
    }

    private func count(_ exchange: HTTPServerExchange) {
        exchange.collectBody(limit: 1 << 16) { result in
            guard case .success(let body) = result else { return }
            var count = 0, size = 0
            var reader = body.dropFirst(5).makeIterator()
            func varint() -> Int {
                var value = 0, shift = 0
                while let byte = reader.next() {
                    value |= Int(byte & 0x7F) << shift
                    if byte & 0x80 == 0 { break }
                    shift += 7
                }
                return value
            }
            while let tag = reader.next() {
                if tag == 0x08 { count = varint() } else if tag == 0x10 { size = varint() } else { break }
            }
            // One message, framed once: index 0 and `size` payload bytes (the index is not
            // rewritten per message; the stream measures transport, not encoding).
            var message: [UInt8] = [0x08, 0x00, 0x12]
            var length = size
            repeat {
                message.append(UInt8(length & 0x7F) | (length >= 0x80 ? 0x80 : 0))
                length >>= 7
            } while length > 0
            message.append(contentsOf: [UInt8](repeating: 120, count: size))
            let framed = [0, UInt8(truncatingIfNeeded: message.count >> 24), UInt8(truncatingIfNeeded: message.count >> 16),
                          UInt8(truncatingIfNeeded: message.count >> 8), UInt8(truncatingIfNeeded: message.count)] + message
            exchange.sendHead(HTTPResponseHead(status: 200, headers: Self.grpcHeaders))
            var sent = 0
            func pump() {
                while sent < count, exchange.isWritable, !exchange.isAborted {
                    exchange.sendBody(framed)
                    sent += 1
                }
                if sent == count {
                    exchange.onWritable = nil
                    exchange.sendTrailers(Self.okTrailers)
                }
            }
            exchange.onWritable = { pump() }
            pump()
        }
    }
}

enum NativeBackend {
    static func run(host: String, port: Int, loops: Int) async throws {
        ServerProcess.prepare()
        let group = EventLoopGroup(count: loops)
        let server = try await HTTPServer(address: HostPort(host: host, port: port), group: group,
                                          responder: NativeBackendResponder(), logger: Logger(minimumLevel: .error))
        FileHandle.standardOutput.write(Data("port=\(server.boundAddress.port)\n".utf8))
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
