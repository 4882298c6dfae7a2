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
    ///
    /// Runs on the access log's writer thread for every public request, so it writes bytes
    /// directly: the constant key fragments are copied whole and numbers and the timestamp are
    /// formatted digit by digit (String interpolation and `Double.description` cost several
    /// times more than the rest of the line).
    func append(to out: inout [UInt8]) {
        Self.fragment("{\"ts\":", into: &out)
        out.append(34)
        Self.appendTimestamp(timestamp, to: &out)
        out.append(34)
        Self.field(",\"protocol\":", protocolName.rawValue, into: &out)
        Self.field(",\"capset\":", capset, into: &out)
        Self.field(",\"service\":", service, into: &out)
        Self.field(",\"instance\":", instance, into: &out)
        Self.field(",\"method\":", method, into: &out)
        Self.field(",\"tool\":", tool, into: &out)
        Self.field(",\"route\":", route, into: &out)
        Self.field(",\"http_method\":", httpMethod, into: &out)
        Self.fragment(",\"http_status\":", into: &out)
        Self.appendDecimal(UInt64(max(0, httpStatus)), to: &out)
        Self.field(",\"grpc_code\":", Self.camelName(grpcCode ?? Self.code(forHTTPStatus: httpStatus)), into: &out)
        Self.fragment(",\"duration_ms\":", into: &out)
        Self.appendMilliseconds(durationMilliseconds, to: &out)
        Self.field(",\"remote_addr\":", remoteAddress, into: &out)
        Self.field(",\"user_agent\":", userAgent, into: &out)
        out.append(UInt8(ascii: "}"))
        out.append(10)
    }

    private static func fragment(_ text: StaticString, into out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A key fragment (`,"name":`) and its string value.
    private static func field(_ key: StaticString, _ value: String, into out: inout [UInt8]) {
        fragment(key, into: &out)
        JSONWriter.writeString(value, into: &out)
    }

    /// `value` in decimal, no sign.
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8], minimumDigits: Int = 1) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var count = 0
            var rest = value
            repeat {
                buffer[count] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                rest /= 10
                count += 1
            } while rest > 0 || count < minimumDigits
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// Milliseconds with up to three decimals and trailing zeros trimmed, one decimal at
    /// least (`0.123`, `12.5`, `3.0`): the shape `Double.description` gives these values.
    static func appendMilliseconds(_ milliseconds: Double, to out: inout [UInt8]) {
        let thousandths = milliseconds.isFinite && milliseconds > 0 ? UInt64(milliseconds * 1000) : 0
        appendDecimal(thousandths / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        var fraction = thousandths % 1000
        var width = 3
        while width > 1, fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        appendDecimal(fraction, to: &out, minimumDigits: width)
    }

    /// RFC 3339 in UTC with up to nine fractional digits, trailing zeros trimmed — the bytes
    /// of ``Timestamp/rfc3339Nano`` without building a String.
    static func appendTimestamp(_ timestamp: Timestamp, to out: inout [UInt8]) {
        let (year, month, day, hour, minute, second) = Timestamp.civil(timestamp.seconds)
        appendDecimal(UInt64(max(0, year)), to: &out, minimumDigits: 4)
        out.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(month), to: &out, minimumDigits: 2)
        out.append(UInt8(ascii: "-"))
        appendDecimal(UInt64(day), to: &out, minimumDigits: 2)
        out.append(UInt8(ascii: "T"))
        appendDecimal(UInt64(hour), to: &out, minimumDigits: 2)
        out.append(UInt8(ascii: ":"))
        appendDecimal(UInt64(minute), to: &out, minimumDigits: 2)
        out.append(UInt8(ascii: ":"))
        appendDecimal(UInt64(second), to: &out, minimumDigits: 2)
        if timestamp.nanoseconds > 0 {
            var fraction = UInt64(timestamp.nanoseconds)
            var width = 9
            while fraction % 10 == 0 {
                fraction /= 10
                width -= 1
            }
            out.append(UInt8(ascii: "."))
            appendDecimal(fraction, to: &out, minimumDigits: width)
        }
        out.append(UInt8(ascii: "Z"))
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
