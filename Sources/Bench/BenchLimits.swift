/// Every bound of the load generator, with its reason. Options are checked against these
/// before any connection is opened.
public enum BenchLimits {
    /// Connections per run: 10,000 sockets stay well inside a raised open-file limit.
    public static let defaultMaximumConnections = 10_000
    /// Concurrent streams per connection: nghttp2 servers (and the gateway) allow 100 by
    /// default; more only queue inside the client library.
    public static let defaultMaximumStreamsPerConnection = 1_000
    /// Open-loop rate ceiling (requests/s): far beyond what one machine serves, low enough
    /// that the arrival arithmetic stays exact in nanoseconds.
    public static let defaultMaximumRate = 10_000_000.0
    /// Longest run or warm-up: a day.
    public static let defaultMaximumDurationNanoseconds: UInt64 = 86_400 * 1_000_000_000
    /// Longest latency the histograms hold (an hour, in microseconds); longer ones are
    /// recorded as this value. HDR histograms keep 3 significant digits over the whole range.
    public static let defaultHighestTrackableMicroseconds: UInt64 = 3_600 * 1_000_000
    /// Significant digits of each timeline interval's histogram: 2 keeps one interval near
    /// 10 KiB, so long runs stay small, and p99 per interval within 1%.
    public static let timelineSignificantDigits = 2
    /// Points of the throughput/p99 timeline: past this, adjacent intervals are merged (the
    /// interval doubles), so memory stays bounded however long the run.
    public static let defaultMaximumTimelinePoints = 600
    /// Shortest timeline interval when the run's length is known: 100 ms still holds enough
    /// requests for a p99 at modest rates.
    public static let minimumTimelineIntervalNanoseconds: UInt64 = 100_000_000
    /// First timeline interval of a run whose length is unknown (closed loop with `-n`): short
    /// runs still get a curve, and long ones coarsen as they go (the interval doubles).
    public static let unknownDurationTimelineIntervalNanoseconds: UInt64 = 10_000_000
    /// How often each loop checks request deadlines and publishes its progress counters.
    public static let sweepIntervalMilliseconds: UInt64 = 100
    /// Per-request deadline when none is given (the gateway's own unary deadline is 30 s).
    public static let defaultRequestTimeoutNanoseconds: UInt64 = 30 * 1_000_000_000
    /// Delay before a lost connection is opened again.
    public static let reconnectDelayMilliseconds: UInt64 = 100
    /// Failed reopenings in a row after which a connection is given up (5 s of attempts):
    /// a target that went away ends the run instead of hanging it.
    public static let maximumReconnectAttempts = 50
    /// Request bodies are read into memory once; 64 MiB is far beyond any message a gateway
    /// takes (its limits are smaller) and still fits comfortably.
    public static let defaultMaximumRequestBytes = 64 << 20
    /// An MCP response is scanned for `isError` and JSON-RPC errors as it streams in; only
    /// this much nesting is tracked (deeper levels cannot hold those keys).
    public static let mcpScannerMaximumDepth = 64
}
