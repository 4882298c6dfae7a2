/// Timeouts and limits of an ``HTTPServer``. Every limit answers with a clear error.
public struct HTTPServerConfiguration: Sendable {
    /// HTTP/1.1 parsing limits (head size 431, header count 431, request line 414).
    public var http1Limits = HTTP1Limits()
    /// A request head (or the HTTP/2 preface) must arrive within this time of its first byte
    /// or of the connection opening; defeats slowloris. 408 on HTTP/1.1.
    public var headerTimeoutMilliseconds: UInt64 = 5_000
    /// A connection with no request in progress is closed after this long.
    public var idleTimeoutMilliseconds: UInt64 = 120_000
    /// An HTTP/1.1 request body must make progress at least this often.
    public var bodyTimeoutMilliseconds: UInt64 = 30_000
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: streams over it are refused (REFUSED_STREAM).
    public var maximumConcurrentStreams: UInt32 = 100
    /// HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE and our own check (431 / RST when exceeded).
    public var maximumHeaderListBytes: Int = 64 * 1024
    /// Header fields per HTTP/2 request.
    public var maximumHeaderCount: Int = 100
    /// HTTP/2 per-stream receive window: large enough to stream at full speed on loopback.
    public var initialStreamWindowBytes: Int32 = 1 << 20
    /// HTTP/2 connection receive window.
    public var connectionWindowBytes: Int32 = 16 << 20
    /// Unacknowledged HTTP/1.1 body bytes above which the socket stops being read.
    public var http1BodyBufferBytes: Int = 1 << 20
    /// Pipelined HTTP/1.1 bytes buffered while a response is in progress before reading pauses.
    public var http1PipelineBufferBytes: Int = 64 * 1024

    public init() {}
}
