import Protocols
import Runtime

/// The `protocol` of an access-log line.
enum AccessLogProtocol: String, Sendable {
    case grpc, grpcReflection = "grpc_reflection", connect, mcp, openapi
}

/// One line of `access.log` (SPEC §9): every public request, never a body, token, secret,
/// config or business metadata.
struct AccessLogEntry: Sendable {
    var timestamp = Timestamp.now()
    var protocolName: AccessLogProtocol
    var capset = ""
    var service = ""
    var instance = ""
    var method = ""
    var tool = ""
    var route = ""
    var httpMethod = ""
    /// 0 for gRPC.
    var httpStatus = 0
    /// Explicit gRPC status; for HTTP protocols nil means "derived from the HTTP status".
    var grpcCode: GRPCStatusCode?
    var durationMilliseconds: Double = 0
    var remoteAddress = ""
    var userAgent = ""

    /// Appends the JSON line (keys in SPEC order, all present, newline-terminated) to `out`.
    func append(to out: inout [UInt8]) {
        func key(_ name: String, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: String, _ value: String) {
            key(name)
            JSONWriter.writeString(value, into: &out)
        }
        key("ts", first: true)
        JSONWriter.writeString(timestamp.rfc3339Nano, into: &out)
        string("protocol", protocolName.rawValue)
        string("capset", capset)
        string("service", service)
        string("instance", instance)
        string("method", method)
        string("tool", tool)
        string("route", route)
        string("http_method", httpMethod)
        key("http_status")
        out.append(contentsOf: String(httpStatus).utf8)
        string("grpc_code", Self.camelName(grpcCode ?? Self.code(forHTTPStatus: httpStatus)))
        key("duration_ms")
        out.append(contentsOf: String(Double(Int(durationMilliseconds * 1000)) / 1000).utf8)
        string("remote_addr", remoteAddress)
        string("user_agent", userAgent)
        out.append(UInt8(ascii: "}"))
        out.append(10)
    }

    static let camelNames = [
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied",
        "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable",
        "DataLoss", "Unauthenticated",
    ]

    static func camelName(_ code: GRPCStatusCode) -> String { camelNames[code.rawValue] }

    /// SPEC §9: the code an HTTP status stands for when no gRPC code was given.
    static func code(forHTTPStatus status: Int) -> GRPCStatusCode {
        switch status {
        case 200..<300: .ok
        case 400: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .notFound
        case 408, 504: .deadlineExceeded
        case 409: .aborted
        case 413, 429: .resourceExhausted
        case 501: .unimplemented
        case 503: .unavailable
        case 500..<600: .internal
        default: .unknown
        }
    }
}
