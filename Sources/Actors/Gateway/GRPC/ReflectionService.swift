import Protocols
import Runtime

/// gRPC server reflection scoped to one capset (SPEC §8.3), as `grpc.reflection.v1` and
/// `grpc.reflection.v1alpha` (real clients still use the latter). A bidi stream: each request
/// message gets its answer; misses are in-stream error responses; the stream ends OK when the
/// client ends it.
struct ReflectionService {
    let table: RoutingTable
    let version: String
    let log: GatewayAccessLogger
    var tokenUsage: TokenUsageRecorder?

    static let paths = [
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo": "v1",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": "v1alpha",
    ]

    static func version(ofPath path: Substring) -> String? {
        paths[String(path)]
    }

    /// Reflection requests are small; a generous bound still keeps a hostile client from
    /// buffering large messages here.
    static let maximumRequestBytes = 64 * 1024

    func handle(_ exchange: HTTPServerExchange, startedAt: UInt64) {
        let headers = exchange.request.headers
        func fail(_ code: GRPCStatusCode, _ message: String, capset: String?) {
            GRPCStatusReply.send(exchange, code: code, message: message)
            log.record(exchange, protocol: .grpcReflection, route: nil, grpcCode: code, capset: capset, method: "", startedAt: startedAt)
        }
        guard let capsetID = headers["x-octobus-capset"], !capsetID.isEmpty else {
            fail(.invalidArgument, "x-octobus-capset metadata is required", capset: nil)
            return
        }
        let capset = table.capsets[capsetID]
        if let capset {
            switch GRPCRoute.authorize(capset, headers: headers) {
            case .failure(let failure):
                fail(failure.code, failure.message, capset: capsetID)
                return
            case .success(let credential):
                if let credential { tokenUsage?.noteUse(credential) }
            }
        }
        guard let capset, let index = capset.reflectionIndex else {
            fail(.notFound, "capset not found", capset: capsetID)
            return
        }
        exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "application/grpc"]))
        var reader = GRPCMessageReader(maximumMessageBytes: Self.maximumRequestBytes)
        var ended = false
        func end(_ code: GRPCStatusCode, _ message: String) {
            guard !ended else { return }
            ended = true
            exchange.onAbort = nil
            exchange.sendTrailers(GRPCStatusHeaders.trailers(code, message))
            log.record(exchange, protocol: .grpcReflection, route: nil, grpcCode: code, capset: capsetID, method: "", startedAt: startedAt)
        }
        exchange.readBody(onData: { chunk in
            guard !ended else { return }
            let messages: [[UInt8]]
            do throws(GRPCMessageReader.Failure) {
                messages = try reader.append(chunk)
            } catch {
                switch error {
                case .tooLarge(let length, let limit):
                    end(.resourceExhausted, "reflection request of \(length) bytes exceeds \(limit) bytes")
                case .compressed:
                    end(.unimplemented, "compressed reflection requests are not supported")
                }
                return
            }
            for message in messages {
                do {
                    let request = try ReflectionMessages.Request.decode(message)
                    let response = ReflectionMessages.answer(request, index: index)
                    exchange.sendBody(GRPCMessageReader.frame(response.encode(for: request)))
                } catch {
                    end(.invalidArgument, "malformed reflection request: \(error)")
                    return
                }
            }
        }, onEnd: { _ in
            end(reader.isEmpty ? .ok : .internal, reader.isEmpty ? "" : "request ended inside a message")
        })
        exchange.onAbort = { end(.cancelled, "") }
    }
}
