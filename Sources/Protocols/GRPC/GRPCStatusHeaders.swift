public import Runtime

/// gRPC status as HTTP/2 trailers (`grpc-status`, `grpc-message`), and the mapping of a
/// backend's non-200 HTTP status to a gRPC code (gRPC's http-grpc-status-mapping.md).
public enum GRPCStatusHeaders {
    /// `grpc-message` is percent-encoded: every byte outside printable ASCII, and `%`.
    public static func encodeMessage(_ message: String) -> String {
        PercentEncoding.encode(message) { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x25 }
    }

    /// Trailers (or trailers-only headers when `includeContentType`) carrying a status.
    public static func trailers(_ code: GRPCStatusCode, _ message: String, includeContentType: Bool = false) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if includeContentType { headers.add(name: "content-type", value: "application/grpc") }
        headers.add(name: "grpc-status", value: String(code.rawValue))
        if !message.isEmpty { headers.add(name: "grpc-message", value: encodeMessage(message)) }
        return headers
    }

    /// The gRPC code for a non-200 HTTP status from a backend.
    public static func code(forHTTPStatus status: Int) -> GRPCStatusCode {
        switch status {
        case 400: .internal
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }
}
