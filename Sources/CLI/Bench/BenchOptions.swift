import Bench
import Protocols
import Runtime

/// `octobus bench` options checked and turned into numbers, and the plan each target gets.
struct BenchOptions {
    let connections: Int
    let streams: Int
    let mode: LoadPlan.Mode
    let stop: LoadPlan.Stop
    let warmup: UInt64
    let timeout: UInt64
    let loops: Int
    let headers: HTTPHeaders
    let token: String?
    let codec: BenchRequest.ConnectCodec
    private let dataJSON: String?
    private let dataPath: String?

    /// Streams per connection when none is given: closed loop 10, open loop 100 (in the open
    /// loop they are only a ceiling on requests in flight).
    static let defaultClosedLoopStreams = 10
    static let defaultOpenLoopStreams = 100
    /// Measured duration when neither -n nor -d is given.
    static let defaultDurationMilliseconds: UInt64 = 10_000

    init(command: BenchCommand, protocolKind: BenchProtocol) throws(CLIError) {
        connections = command.connections
        if let rateText = command.rate {
            let number = rateText.hasSuffix("/s") ? String(rateText.dropLast(2)) : rateText
            guard let rate = Double(number), rate > 0, rate.isFinite else {
                throw CLIError("invalid --rate \"\(rateText)\": expected requests per second such as 500 or 500/s")
            }
            mode = .open(rate: rate)
        } else {
            mode = .closed
        }
        streams = command.streams ?? (command.rate == nil ? Self.defaultClosedLoopStreams : Self.defaultOpenLoopStreams)
        if command.requests != nil && command.duration != nil { throw CLIError("-n and -d are mutually exclusive") }
        if let count = command.requests {
            stop = .count(count)
        } else {
            let milliseconds = try command.duration.map { text throws(CLIError) in try Self.milliseconds(text, "-d") } ?? Self.defaultDurationMilliseconds
            stop = .duration(milliseconds * 1_000_000)
        }
        // No warm-up may be said explicitly (a duration elsewhere must be above zero).
        warmup = try command.warmup.map { text throws(CLIError) in
            text.trimmingASCIIWhitespace() == "0" ? 0 : try Self.milliseconds(text, "--warmup") * 1_000_000
        } ?? 0
        timeout = try command.timeout.map { text throws(CLIError) in try Self.milliseconds(text, "--timeout") * 1_000_000 }
            ?? BenchLimits.defaultRequestTimeoutNanoseconds
        loops = command.loops ?? EventLoopGroup.defaultLoopCount
        var headers = HTTPHeaders()
        for entry in command.header {
            guard let colon = entry.firstIndex(of: ":"), colon != entry.startIndex else {
                throw CLIError("invalid -H \"\(entry)\": expected name:value")
            }
            let name = entry[..<colon].lowercased().trimmingASCIIWhitespace()
            let value = entry[entry.index(after: colon)...].trimmingASCIIWhitespace()
            guard !name.hasPrefix(":"), !HTTPHeaders.isConnectionSpecific(name), name != "content-type", name != "te" else {
                throw CLIError("-H \(name) cannot be set: the protocol decides it")
            }
            headers.add(name: name, value: value)
        }
        self.headers = headers
        let tokenText = command.token ?? Environment.get("OCTOBUS_CAPSET_TOKEN")
        token = tokenText.flatMap { $0.trimmingASCIIWhitespace().isEmpty ? nil : $0.trimmingASCIIWhitespace() }
        guard let codec = BenchRequest.ConnectCodec(rawValue: command.connectCodec) else {
            throw CLIError("--connect-codec must be json or proto")
        }
        self.codec = codec
        dataJSON = command.dataJSON
        dataPath = command.data
        if dataJSON != nil && dataPath != nil { throw CLIError("--data and --data-json are mutually exclusive") }
    }

    private static func milliseconds(_ text: String, _ option: String) throws(CLIError) -> UInt64 {
        do { return try DurationText.milliseconds(text, option: option) } catch let error as CLIError { throw error } catch {
            throw CLIError("invalid \(option) \"\(text)\"")
        }
    }

    /// The request as given (`{}` when none).
    func requestJSON() throws(CLIError) -> JSONValue {
        if let dataJSON {
            do { return try JSONParser.parse(dataJSON) } catch { throw CLIError("--data-json is not valid JSON: \(error)") }
        }
        guard let dataPath else { return .object([:]) }
        let bytes: [UInt8]
        if dataPath == "-" {
            bytes = StandardInput.readAll()
        } else {
            do { bytes = try FileSystem.readFile(dataPath, limit: BenchLimits.defaultMaximumRequestBytes) } catch {
                throw CLIError("read --data \(dataPath): \(error)")
            }
        }
        do { return try JSONParser.parse(bytes) } catch {
            throw CLIError("--data \(dataPath == "-" ? "(stdin)" : dataPath) is not valid JSON: \(error)")
        }
    }

    /// The plan for one target: the request encoded once with the method's descriptor.
    func plan(for target: BenchTarget, protocolKind: BenchProtocol, json: JSONValue) throws(CLIError) -> LoadPlan {
        guard let input = target.inputMessage else {
            throw CLIError("the descriptor has no message \(target.method.inputType) (input of \(target.method.fullName))")
        }
        let message: [UInt8]
        do { message = try ProtobufCodec.encodeFromJSON(json, message: input, in: target.descriptors) } catch {
            throw CLIError("bad request JSON for \(target.method.inputType): \(error)")
        }
        var extra = headers
        let gatewayRoute = target.route == .gateway || (target.route == .target && !target.capset.isEmpty)
        if target.route == .gateway, let token { extra.add(name: "authorization", value: "Bearer \(token)") }
        let request: PreparedRequest
        var handshake: [LoadPlan.HandshakeStep] = []
        switch protocolKind {
        case .grpc:
            if gatewayRoute {
                extra.add(name: "x-octobus-capset", value: target.capset)
                extra.add(name: "x-octobus-instance", value: target.instance)
            }
            request = BenchRequest.grpc(path: target.method.path, authority: target.authority, message: message, metadata: extra)
        case .connect:
            let path = "/capsets/\(PercentEncoding.encode(target.capset))/connect/\(PercentEncoding.encode(target.instance))/"
                + "\(target.method.serviceFullName)/\(target.method.name)"
            request = BenchRequest.connect(path: path, authority: target.authority, codec: codec, json: json, message: message, headers: extra)
        case .mcp:
            let path = "/capsets/\(PercentEncoding.encode(target.capset))/mcp"
            request = BenchRequest.mcpToolCall(path: path, authority: target.authority, tool: target.tool, arguments: json, headers: extra)
            handshake = BenchRequest.mcpHandshake(path: path, authority: target.authority, headers: extra)
        }
        let plan = LoadPlan(protocolKind: protocolKind, host: target.host, port: target.port, request: request, handshake: handshake,
                            countsMessages: protocolKind == .grpc && target.method.serverStreaming, connections: connections,
                            streamsPerConnection: streams, loops: loops, mode: mode, stop: stop, warmupNanoseconds: warmup,
                            requestTimeoutNanoseconds: timeout)
        do { try plan.validate() } catch { throw CLIError(error.message) }
        return plan
    }
}
