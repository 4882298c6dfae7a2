import Foundation

/// The same unary call (`calculator.v1.CalculatorService/Add` on the native backend) through
/// the gateway as gRPC, Connect JSON and MCP `tools/call`, with the same client
/// (`octobus bench`) and shape, in interleaved rounds: requests/s against the gRPC path, and
/// the CPU each process spent per request — client, gateway (the daemon) and backend — read
/// from `/proc/<pid>/stat` around each run.
struct ProtocolsScenario {
    let octobus: String
    let bench: String
    let rounds: Int
    let requests: Int
    let clients: Int
    let streams: Int

    private struct Sample {
        var rate: [Double] = []
        var client: [Double] = []
        var gateway: [Double] = []
        var backend: [Double] = []
    }

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-protocols-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let setup = try BenchGateway.start(octobus: octobus, bench: bench, work: work)
        defer { setup.daemon.stop() }
        let daemonPID = setup.daemon.process.processIdentifier

        // The MCP tool of Add is named by SPEC §8.5: service, instance and method.
        let protocols: [(name: String, protocol: String, method: String)] = [
            ("gRPC", "grpc", "calculator.v1.CalculatorService/Add"),
            ("Connect JSON", "connect", "calculator.v1.CalculatorService/Add"),
            ("MCP tools/call", "mcp", "native__b1__add"),
        ]
        func arguments(_ entry: (name: String, protocol: String, method: String), count: Int) -> [String] {
            ["--addr", "127.0.0.1:\(setup.daemon.port)", "bench", "bench", "b1", entry.method, "--protocol", entry.protocol,
             "--data-json", #"{"left":20,"right":22}"#, "-c", String(clients), "-m", String(streams), "-n", String(count), "--json"]
        }
        for entry in protocols {  // warm-up: connections, caches, the backend's JIT-free paths
            let warm = try ClientCPU.run(octobus, arguments(entry, count: 20_000))
            guard warm.status == 0 else { throw Harness.Failure(description: "\(entry.name) warm-up failed:\n\(warm.stdout)") }
        }
        var samples: [String: Sample] = [:]
        for round in 0..<rounds {
            Harness.progress("round \(round + 1) of \(rounds)")
            for entry in protocols {
                let gateway0 = try ClientCPU.cpuSeconds(pid: daemonPID), backend0 = try ClientCPU.cpuSeconds(pid: setup.backendPID)
                let run = try ClientCPU.run(octobus, arguments(entry, count: requests))
                let gateway1 = try ClientCPU.cpuSeconds(pid: daemonPID), backend1 = try ClientCPU.cpuSeconds(pid: setup.backendPID)
                guard run.status == 0, let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                      let rate = report["requests_per_second"] as? Double, (report["errors"] as? Int) == 0 else {
                    throw Harness.Failure(description: "\(entry.name) run failed:\n\(run.stdout)")
                }
                let perRequest = 1_000_000 / Double(requests)
                samples[entry.name, default: Sample()].rate.append(rate)
                samples[entry.name]!.client.append(run.cpuSeconds * perRequest)
                samples[entry.name]!.gateway.append((gateway1 - gateway0) * perRequest)
                samples[entry.name]!.backend.append((backend1 - backend0) * perRequest)
            }
        }

        let grpcRate = Harness.median(samples["gRPC"]!.rate)
        func microseconds(_ values: [Double]) -> String { String(format: "%.1f", Harness.median(values)) }
        var rows = ""
        for entry in protocols {
            let sample = samples[entry.name]!
            let rate = Harness.median(sample.rate)
            let ratio = entry.name == "gRPC" ? "1.00" : "**\(String(format: "%.2f", rate / grpcRate))** (target ≥ 0.7)"
            rows += "| \(entry.name) | \(Int(rate)) | \(ratio) | \(microseconds(sample.client)) | \(microseconds(sample.gateway)) | \(microseconds(sample.backend)) | "
                + sample.rate.map { String(Int($0)) }.joined(separator: ", ") + " |\n"
        }
        return """
        ### Gateway protocols: gRPC vs Connect JSON vs MCP `tools/call` (\(rounds) interleaved rounds, medians)

        Client: `octobus bench bench b1 <method> --protocol grpc|connect|mcp --data-json '{"left":20,"right":22}' -c \(clients) -m \(streams) -n \(requests)`
        (HTTP/2 for all three; the MCP tool is `native__b1__add`). CPU per request is user + system time of each process over the run.

        | protocol | requests/s | vs gRPC | client CPU µs/req | gateway CPU µs/req | backend CPU µs/req | runs (req/s) |
        |---|---|---|---|---|---|---|
        \(rows)
        """
    }
}
