import Protocols
import Runtime

/// Builds access-log entries from a finished exchange and what the gateway resolved.
struct GatewayAccessLogger: Sendable {
    let log: AccessLog?

    func record(_ exchange: HTTPServerExchange, protocol kind: AccessLogProtocol, route: GRPCRoute?,
                grpcCode: GRPCStatusCode?, httpStatus: Int = 0, capset: String? = nil, service: String? = nil,
                instance: String? = nil, method: String? = nil, tool: String = "", startedAt: UInt64) {
        guard let log else { return }
        let request = exchange.request
        var entry = AccessLogEntry(protocolName: kind)
        entry.capset = route?.capset.record.id ?? capset ?? (kind == .grpc ? request.headers["x-octobus-capset"] : nil) ?? ""
        entry.service = route?.instance.service.record.id ?? service ?? ""
        entry.instance = route?.instance.endpoint.instanceID ?? instance ?? (kind == .grpc ? request.headers["x-octobus-instance"] : nil) ?? ""
        entry.method = method ?? route?.method.descriptor.fullName ?? ""
        entry.tool = tool
        entry.route = request.pathString
        entry.httpMethod = request.method
        entry.httpStatus = httpStatus
        entry.grpcCode = grpcCode
        entry.durationMilliseconds = Double(MonotonicClock.nanoseconds() &- startedAt) / 1_000_000
        entry.remoteAddress = request.remoteAddress
        entry.userAgent = request.headers["user-agent"] ?? ""
        log.record(entry)
    }
}
