/// Limits applied while parsing HTTP/1.1 requests. Each has a clear error when exceeded.
public struct HTTP1Limits: Sendable {
    /// Request line plus headers (431 when exceeded). 64 KiB: far above real clients,
    /// small enough that a flood of large heads cannot exhaust memory.
    public var maximumHeadBytes: Int = 64 * 1024
    /// Header fields per request or trailer section (431 when exceeded).
    public var maximumHeaderCount: Int = 100
    /// Request line alone (414 when exceeded).
    public var maximumRequestLineBytes: Int = 16 * 1024
    /// One chunk-size line including extensions (400 when exceeded).
    public var maximumChunkLineBytes: Int = 4096

    public init() {}
    public static let `default` = HTTP1Limits()
}
