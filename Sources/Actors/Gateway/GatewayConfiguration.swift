/// Limits of the public data plane (gRPC proxy, and later Connect and MCP).
public struct GatewayConfiguration: Sendable {
    /// Largest gRPC message accepted in either direction (RESOURCE_EXHAUSTED beyond).
    public var maximumMessageBytes = GatewayConfiguration.defaultMaximumMessageBytes
    /// A unary call's backend deadline, and the cap on the client's own (SPEC §8.2: 30 s).
    public var unaryDeadlineMilliseconds: UInt64 = 30_000

    /// 4 MiB: gRPC's own default receive limit.
    public static let defaultMaximumMessageBytes = 4 << 20

    public init() {}
}
