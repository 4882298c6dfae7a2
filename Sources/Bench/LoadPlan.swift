import Runtime

/// Everything a run needs, resolved and checked before any connection opens: where to
/// connect, the one request every stream sends, and the shape and length of the load.
/// Immutable and shared by every loop.
public struct LoadPlan: Sendable {
    /// How requests are issued.
    public enum Mode: Sendable, Equatable {
        /// Each stream sends its next request as soon as the previous one finished.
        case closed
        /// Requests arrive at a constant rate (per second) whatever the server does; latency
        /// counts from each request's intended send time (no coordinated omission).
        case open(rate: Double)
    }

    /// A request sent once on each connection before the load (MCP `initialize`).
    public struct HandshakeStep: Sendable {
        /// What the step is, for error messages (`MCP initialize`).
        public let name: String
        public let request: PreparedRequest

        public init(name: String, request: PreparedRequest) {
            self.name = name
            self.request = request
        }
    }

    /// When the measured part of the run ends.
    public enum Stop: Sendable, Equatable {
        /// After this many measured requests have been issued (and have finished).
        case count(Int)
        /// After this long (nanoseconds) of measured load; requests in flight then finish.
        case duration(UInt64)
    }

    public var protocolKind: BenchProtocol
    public var host: String
    public var port: Int
    /// The request every stream sends.
    public var request: PreparedRequest
    /// Sent once on each connection before the load, in order; each must answer 2xx.
    public var handshake: [HandshakeStep]
    /// Count gRPC messages in responses (server-streaming methods): messages/s and time to
    /// first message.
    public var countsMessages: Bool
    public var connections: Int
    public var streamsPerConnection: Int
    /// Event loops (threads) the load runs on; connections are spread over them.
    public var loops: Int
    public var mode: Mode
    public var stop: Stop
    public var warmupNanoseconds: UInt64
    public var requestTimeoutNanoseconds: UInt64

    public init(protocolKind: BenchProtocol, host: String, port: Int, request: PreparedRequest, handshake: [HandshakeStep] = [],
                countsMessages: Bool = false, connections: Int, streamsPerConnection: Int, loops: Int, mode: Mode, stop: Stop,
                warmupNanoseconds: UInt64 = 0, requestTimeoutNanoseconds: UInt64 = BenchLimits.defaultRequestTimeoutNanoseconds) {
        self.protocolKind = protocolKind
        self.host = host
        self.port = port
        self.request = request
        self.handshake = handshake
        self.countsMessages = countsMessages
        self.connections = connections
        self.streamsPerConnection = streamsPerConnection
        self.loops = loops
        self.mode = mode
        self.stop = stop
        self.warmupNanoseconds = warmupNanoseconds
        self.requestTimeoutNanoseconds = requestTimeoutNanoseconds
    }

    /// Checks the numbers against ``BenchLimits``; the message names the option.
    public func validate() throws(BenchError) {
        guard connections >= 1, connections <= BenchLimits.defaultMaximumConnections else {
            throw BenchError(.invalidOption, "-c must be between 1 and \(BenchLimits.defaultMaximumConnections)")
        }
        guard streamsPerConnection >= 1, streamsPerConnection <= BenchLimits.defaultMaximumStreamsPerConnection else {
            throw BenchError(.invalidOption, "-m must be between 1 and \(BenchLimits.defaultMaximumStreamsPerConnection)")
        }
        guard loops >= 1 else { throw BenchError(.invalidOption, "--loops must be at least 1") }
        if case .open(let rate) = mode, !(rate > 0 && rate <= BenchLimits.defaultMaximumRate) {
            throw BenchError(.invalidOption, "--rate must be above 0 and at most \(Int(BenchLimits.defaultMaximumRate))/s")
        }
        switch stop {
        case .count(let count) where count < 1:
            throw BenchError(.invalidOption, "-n must be at least 1")
        case .duration(let nanoseconds) where nanoseconds == 0 || nanoseconds > BenchLimits.defaultMaximumDurationNanoseconds:
            throw BenchError(.invalidOption, "-d must be above 0 and at most 24h")
        default:
            break
        }
        guard warmupNanoseconds <= BenchLimits.defaultMaximumDurationNanoseconds else {
            throw BenchError(.invalidOption, "--warmup must be at most 24h")
        }
        guard requestTimeoutNanoseconds > 0 else { throw BenchError(.invalidOption, "--timeout must be above 0") }
    }

    /// Loops actually used: never more than connections (an idle loop measures nothing).
    var effectiveLoops: Int { max(1, min(loops, connections)) }
}
