/// Timeouts and limits of an ``HTTPServer``. Every limit answers with a clear error in the
/// protocol's own terms, and is logged (rate-limited) when it triggers.
public struct HTTPServerConfiguration: Sendable {
    /// HTTP/1.1 parsing limits (head size 431, header count 431, request line 414).
    public var http1Limits = HTTP1Limits()
    /// A request head (or the HTTP/2 preface) must arrive within this time of its first byte
    /// or of the connection opening; defeats slowloris. 408 on HTTP/1.1.
    public var headerTimeoutMilliseconds: UInt64 = 5_000
    /// A connection that has sent no request yet is closed after this long (an HTTP/2
    /// connection that sent its preface and then nothing holds a slot for no one).
    public var firstRequestTimeoutMilliseconds: UInt64 = 10_000
    /// A connection with no request in progress is closed after this long.
    public var idleTimeoutMilliseconds: UInt64 = 120_000
    /// A request body the server reads into memory (admin, Connect, MCP; every HTTP/1.1
    /// body) must arrive completely within this time of its head: a client sending one byte
    /// every few seconds cannot hold a connection and its buffer forever. 408.
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
    /// Response bytes waiting for a client that does not read them; above this, an HTTP/1.1
    /// connection stops reading and answering pipelined requests until the client catches up
    /// (without it, pipelining without reading responses grows memory without bound).
    public var maximumUnsentResponseBytes: Int = 1 << 20

    // MARK: Budgets shared by all connections

    /// Open connections on all loops; a connection beyond it is closed at once.
    public var maximumConnections: Int = 10_000
    /// The last this-many connection slots only serve requests under ``reservedPathPrefix``
    /// (the admin API), so the operator can still reach the daemon when clients have taken
    /// every other slot. Other requests on such a connection get 503.
    public var reservedConnections: Int = 32
    /// Path prefix served on reserved connections (nil: no reservation).
    public var reservedPathPrefix: String?
    /// Requests handed to the responder whose handling has not finished — including streams
    /// the client already reset but whose handler still holds memory — on all connections.
    /// Beyond it: 503 on HTTP/1.1, REFUSED_STREAM on HTTP/2.
    public var maximumPendingRequests: Int = 16_384
    /// The same per connection (HTTP/2 streams reset early do not count against
    /// SETTINGS_MAX_CONCURRENT_STREAMS, so this is what bounds a rapid-reset client).
    public var maximumPendingRequestsPerConnection: Int = 256
    /// Request body bytes held in memory by handlers on all connections. 503 beyond it.
    public var maximumBufferedBodyBytes: Int = 128 << 20
    /// The same per connection.
    public var maximumBufferedBodyBytesPerConnection: Int = 16 << 20
    /// HTTP/2: streams a client may reset within ``streamResetWindowMilliseconds`` before the
    /// connection is closed with GOAWAY(ENHANCE_YOUR_CALM) (CVE-2023-44487 "rapid reset").
    public var maximumStreamResetsPerWindow: Int = 500
    public var streamResetWindowMilliseconds: UInt64 = 10_000

    public init() {}
}
