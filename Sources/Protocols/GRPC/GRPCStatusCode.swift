/// The canonical gRPC status codes (0–16), as defined in grpc/doc/statuscodes.md.
public struct GRPCStatusCode: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int

    public init?(rawValue: Int) {
        guard (0...16).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ value: Int) { rawValue = value }

    public static let ok = GRPCStatusCode(0)
    public static let cancelled = GRPCStatusCode(1)
    public static let unknown = GRPCStatusCode(2)
    public static let invalidArgument = GRPCStatusCode(3)
    public static let deadlineExceeded = GRPCStatusCode(4)
    public static let notFound = GRPCStatusCode(5)
    public static let alreadyExists = GRPCStatusCode(6)
    public static let permissionDenied = GRPCStatusCode(7)
    public static let resourceExhausted = GRPCStatusCode(8)
    public static let failedPrecondition = GRPCStatusCode(9)
    public static let aborted = GRPCStatusCode(10)
    public static let outOfRange = GRPCStatusCode(11)
    public static let unimplemented = GRPCStatusCode(12)
    public static let `internal` = GRPCStatusCode(13)
    public static let unavailable = GRPCStatusCode(14)
    public static let dataLoss = GRPCStatusCode(15)
    public static let unauthenticated = GRPCStatusCode(16)

    /// Upper-case names as used in `OCTOBUS_ERROR` lines and MCP errors (`NOT_FOUND`).
    public static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    public var name: String { Self.names[rawValue] }

    /// Parses an upper-case canonical name.
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        rawValue = index
    }

    public var description: String { name }
}
