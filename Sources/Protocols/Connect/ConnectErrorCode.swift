/// A Connect error code (`not_found`): one per non-OK gRPC status, with the HTTP status a
/// unary Connect error is sent with (SPEC §8.4).
///
/// | gRPC | Connect | HTTP |   | gRPC | Connect | HTTP |
/// |---|---|---|---|---|---|---|
/// | CANCELLED | canceled | 499 | | ABORTED | aborted | 409 |
/// | UNKNOWN | unknown | 500 | | OUT_OF_RANGE | out_of_range | 400 |
/// | INVALID_ARGUMENT | invalid_argument | 400 | | UNIMPLEMENTED | unimplemented | 501 |
/// | DEADLINE_EXCEEDED | deadline_exceeded | 504 | | INTERNAL | internal | 500 |
/// | NOT_FOUND | not_found | 404 | | UNAVAILABLE | unavailable | 503 |
/// | ALREADY_EXISTS | already_exists | 409 | | DATA_LOSS | data_loss | 500 |
/// | PERMISSION_DENIED | permission_denied | 403 | | UNAUTHENTICATED | unauthenticated | 401 |
/// | RESOURCE_EXHAUSTED | resource_exhausted | 429 | | FAILED_PRECONDITION | failed_precondition | 400 |
public struct ConnectErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// The gRPC status with the same meaning (never OK).
    public let grpcCode: GRPCStatusCode

    private init(unchecked grpcCode: GRPCStatusCode) { self.grpcCode = grpcCode }

    /// The Connect code of a gRPC status; nil for OK, which is not an error.
    public init?(_ grpcCode: GRPCStatusCode) {
        guard grpcCode != .ok else { return nil }
        self.grpcCode = grpcCode
    }

    /// Parses a Connect code name (`not_found`); nil for anything else.
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name), index > 0, let code = GRPCStatusCode(rawValue: index)
        else { return nil }
        grpcCode = code
    }

    /// CANCELLED (HTTP 499).
    public static let canceled = ConnectErrorCode(unchecked: .cancelled)
    /// UNKNOWN (HTTP 500).
    public static let unknown = ConnectErrorCode(unchecked: .unknown)
    /// INVALID_ARGUMENT (HTTP 400).
    public static let invalidArgument = ConnectErrorCode(unchecked: .invalidArgument)
    /// DEADLINE_EXCEEDED (HTTP 504).
    public static let deadlineExceeded = ConnectErrorCode(unchecked: .deadlineExceeded)
    /// NOT_FOUND (HTTP 404).
    public static let notFound = ConnectErrorCode(unchecked: .notFound)
    /// ALREADY_EXISTS (HTTP 409).
    public static let alreadyExists = ConnectErrorCode(unchecked: .alreadyExists)
    /// PERMISSION_DENIED (HTTP 403).
    public static let permissionDenied = ConnectErrorCode(unchecked: .permissionDenied)
    /// RESOURCE_EXHAUSTED (HTTP 429).
    public static let resourceExhausted = ConnectErrorCode(unchecked: .resourceExhausted)
    /// FAILED_PRECONDITION (HTTP 400).
    public static let failedPrecondition = ConnectErrorCode(unchecked: .failedPrecondition)
    /// ABORTED (HTTP 409).
    public static let aborted = ConnectErrorCode(unchecked: .aborted)
    /// OUT_OF_RANGE (HTTP 400).
    public static let outOfRange = ConnectErrorCode(unchecked: .outOfRange)
    /// UNIMPLEMENTED (HTTP 501).
    public static let unimplemented = ConnectErrorCode(unchecked: .unimplemented)
    /// INTERNAL (HTTP 500).
    public static let `internal` = ConnectErrorCode(unchecked: .internal)
    /// UNAVAILABLE (HTTP 503).
    public static let unavailable = ConnectErrorCode(unchecked: .unavailable)
    /// DATA_LOSS (HTTP 500).
    public static let dataLoss = ConnectErrorCode(unchecked: .dataLoss)
    /// UNAUTHENTICATED (HTTP 401).
    public static let unauthenticated = ConnectErrorCode(unchecked: .unauthenticated)

    /// All sixteen codes, in gRPC number order.
    public static let allCases: [ConnectErrorCode] = (1...16).map { ConnectErrorCode(unchecked: GRPCStatusCode(rawValue: $0)!) }

    /// Names indexed by gRPC number (index 0, OK, has none).
    private static let names = [
        "", "canceled", "unknown", "invalid_argument", "deadline_exceeded", "not_found", "already_exists",
        "permission_denied", "resource_exhausted", "failed_precondition", "aborted", "out_of_range",
        "unimplemented", "internal", "unavailable", "data_loss", "unauthenticated",
    ]

    /// HTTP statuses indexed by gRPC number (SPEC §8.4).
    private static let statuses = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401]

    /// The wire name (`deadline_exceeded`).
    public var name: String { Self.names[grpcCode.rawValue] }

    /// The HTTP status of a unary error with this code.
    public var httpStatus: Int { Self.statuses[grpcCode.rawValue] }

    /// The code of an error response that has no Connect error body, from its HTTP status,
    /// as connect-go's `connectHTTPToCode` infers it: 400 invalid_argument, 401
    /// unauthenticated, 403 permission_denied, 404 unimplemented, 408 deadline_exceeded,
    /// 412 failed_precondition, 413 and 431 resource_exhausted, 429, 502, 503 and 504
    /// unavailable, anything else unknown.
    public static func forHTTPStatus(_ status: Int) -> ConnectErrorCode {
        switch status {
        case 400: .invalidArgument
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 408: .deadlineExceeded
        case 412: .failedPrecondition
        case 413, 431: .resourceExhausted
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }

    /// The wire name.
    public var description: String { name }
}
