import ArgumentParser
import Bench
import Protocols
import Runtime

/// `octobus bench`: load-tests one method through the gateway (gRPC, Connect or MCP), an
/// instance directly, or any gRPC server, on the runtime's own event loops and HTTP/2
/// client; reports throughput, statuses and HDR latency percentiles (text, JSON, HTML).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load-test a method: closed or open loop, HDR latency percentiles, JSON and HTML reports.",
        discussion: """
        octobus bench CAPSET INSTANCE METHOD            METHOD as pkg.Svc/Method (an MCP tool name with --protocol mcp)
        octobus bench --target URL --descriptor FILE METHOD
        Closed loop (default): -c connections × -m streams, each sending again as soon as its response ends.
        Open loop: --rate N/s arrivals whatever the server does; latency counts from each request's scheduled
        send time, so a stall shows in the tail (no coordinated omission). Stop after -n requests or -d time.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "CAPSET INSTANCE METHOD, or METHOD alone with --target.") var names: [String] = []
    @Option(name: .customLong("protocol"), help: "grpc, connect or mcp.") var protocolName = "grpc"
    @Flag(help: "Call the instance's own gRPC address instead of the gateway.") var direct = false
    @Option(help: ArgumentHelp("Any gRPC server (http://host:port); needs --descriptor.", valueName: "url")) var target: String?
    @Option(help: ArgumentHelp("FileDescriptorSet for --target (protoc --include_imports -o).", valueName: "file")) var descriptor: String?
    @Option(name: .customLong("data-json"), help: "The request as ProtoJSON (default {}).") var dataJSON: String?
    @Option(help: ArgumentHelp("The request as ProtoJSON from a file, or - for stdin.", valueName: "file")) var data: String?
    @Option(name: .customShort("H"), help: ArgumentHelp("Metadata / header name:value (repeatable).", valueName: "name:value"))
    var header: [String] = []
    @Option(help: "Capset token (default $OCTOBUS_CAPSET_TOKEN).") var token: String?
    @Option(name: .customShort("c"), help: "Connections.") var connections = 10
    @Option(name: .customShort("m"), help: "Concurrent streams per connection (default 10; 100 with --rate).") var streams: Int?
    @Option(help: ArgumentHelp("Open loop: requests per second (N or N/s).", valueName: "rate")) var rate: String?
    @Option(name: .customShort("n"), help: "Measured requests.") var requests: Int?
    @Option(name: .customShort("d"), help: "Measured duration (500ms, 10s, 2m; default 10s unless -n).") var duration: String?
    @Option(help: "Warm-up before measuring (not recorded).") var warmup: String?
    @Option(help: "Per-request timeout (default 30s).") var timeout: String?
    @Option(help: "Event loops (threads) for the load (default: one per core).") var loops: Int?
    @Option(name: .customLong("connect-codec"), help: "Connect body encoding: json or proto.") var connectCodec = "json"
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: ArgumentHelp("Also write a self-contained HTML report.", valueName: "file")) var html: String?
    @Flag(help: "Run the same load through the gateway and against the instance directly; print both and the ratios.")
    var compare = false

    func run() async throws {
        do {
            // The deeper malloc thread cache `serve` uses: nghttp2 allocates and frees a
            // burst of stream objects per read, the same pattern (see AllocatorTuning).
            do { try AllocatorTuning.apply() } catch { throw CLIError("\(error)") }
            try await execute()
        } catch let error as CLIError {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        } catch let error as BenchError {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }

    private func execute() async throws {
        guard let protocolKind = BenchProtocol(rawValue: protocolName) else {
            throw CLIError("--protocol must be grpc, connect or mcp")
        }
        let options = try BenchOptions(command: self, protocolKind: protocolKind)
        let targets = try resolveTargets(protocolKind)
        let json = try options.requestJSON()
        var results: [LoadResult] = []
        for target in targets {
            let plan = try options.plan(for: target, protocolKind: target.route == .direct && compare ? .grpc : protocolKind, json: json)
            results.append(try await runOne(plan, target: target))
        }
        if results.count == 2 {
            let comparison = BenchComparison(first: results[0], second: results[1])
            Output.writeStdout(self.json ? JSONWriter(pretty: true).string(comparison.json) + "\n" : BenchTextReport.render(comparison))
        } else {
            Output.writeStdout(self.json ? JSONWriter(pretty: true).string(results[0].json) + "\n" : BenchTextReport.render(results[0]))
        }
        if let html {
            do {
                try FileSystem.writeFile(html, Array(BenchHTMLReport.render(results).utf8), mode: 0o644)
            } catch {
                throw CLIError("write --html \(html): \(error)")
            }
        }
    }

    private func resolveTargets(_ protocolKind: BenchProtocol) throws -> [BenchTarget] {
        if let target {
            guard names.count == 1 || names.count == 3 else {
                throw CLIError("usage: octobus bench --target URL --descriptor FILE [CAPSET INSTANCE] METHOD")
            }
            guard protocolKind == .grpc else { throw CLIError("--target loads a gRPC server: use --protocol grpc") }
            guard !direct, !compare else { throw CLIError("--target cannot be combined with --direct or --compare") }
            guard let descriptor else { throw CLIError("--target needs --descriptor FILE (a FileDescriptorSet)") }
            return [try BenchTarget.resolve(url: target, descriptorPath: descriptor, name: names.last!,
                                            capset: names.count == 3 ? names[0] : "", instance: names.count == 3 ? names[1] : "")]
        }
        guard names.count == 3 else { throw CLIError("usage: octobus bench CAPSET INSTANCE METHOD (or --target URL --descriptor FILE METHOD)") }
        if descriptor != nil { throw CLIError("--descriptor goes with --target (the daemon knows its services' descriptors)") }
        if direct && compare { throw CLIError("--direct and --compare are mutually exclusive") }
        if direct && protocolKind != .grpc { throw CLIError("--direct calls the instance's gRPC server: use --protocol grpc") }
        let client = try CLIRun.client(global)
        let gateway = try BenchTarget.resolve(client: client, capset: names[0], instance: names[1], name: names[2],
                                              protocolKind: protocolKind, direct: direct)
        guard compare else { return [gateway] }
        let instanceTarget = try BenchTarget.resolve(client: client, capset: names[0], instance: names[1], name: gateway.method.fullName,
                                                     protocolKind: .grpc, direct: true)
        return [gateway, instanceTarget]
    }

    private func runOne(_ plan: LoadPlan, target: BenchTarget) async throws -> LoadResult {
        let engine = try LoadEngine(plan: plan)
        let title = "\(target.route.rawValue) \(plan.protocolKind.rawValue) \(target.method.fullName)"
        let display: Task<Void, Never>? = BenchProgressLine.isEnabled ? Task { await BenchProgressLine.run(engine.progress, title: title) } : nil
        defer { display?.cancel() }
        var result = try await engine.run()
        display?.cancel()
        await display?.value
        result.labels.target = target.url
        result.labels.method = plan.protocolKind == .mcp ? "\(target.tool) (\(target.method.fullName))" : target.method.fullName
        result.labels.route = target.route.rawValue
        result.labels.capset = target.capset
        result.labels.instance = target.instance
        return result
    }
}
