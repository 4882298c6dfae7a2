import Foundation

/// `octobus bench` against h2load as load generators: the same unary gRPC call
/// (`calculator.v1.CalculatorService/Add` on the native backend, one loop), the same
/// connections, streams and request count, one client thread each (`h2load -t 1`,
/// `octobus bench --loops 1`), rounds interleaved. Reports each client's requests/s and its
/// CPU per request (user + system from `/proc/<pid>/stat`).
struct LoadgenScenario {
    let octobus: String
    let bench: String
    let rounds: Int
    let requests: Int
    let clients: Int
    let streams: Int

    /// A command line for the report: temporary paths shortened, arguments with spaces quoted.
    private func display<S: Sequence<String>>(_ arguments: S, _ work: String) -> String {
        arguments.map { argument in
            let short = argument.replacingOccurrences(of: work + "/", with: "")
            return short.contains(" ") || short.contains("{") ? "'\(short)'" : short
        }.joined(separator: " ")
    }

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-loadgen-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try BenchPackage.write(to: work + "/package")
        let descriptor = work + "/native.protoset"
        let protoc = try Harness.run("protoc", ["-I", work + "/package/proto", "--include_imports", "-o", descriptor,
                                                work + "/package/proto/calculator.proto"])
        guard protoc.status == 0 else { throw Harness.Failure(description: "protoc: \(protoc.stderr)") }
        let body = work + "/add.bin"
        try BenchPackage.addRequest.write(to: URL(fileURLWithPath: body))

        let backendLog = work + "/backend.log"
        let backend = try Harness.start(bench, ["backend", "--loops", "1"], logPath: backendLog)
        defer { backend.terminate(); backend.waitUntilExit() }
        guard Harness.waitUntil(seconds: 10, { ((try? String(contentsOfFile: backendLog, encoding: .utf8)) ?? "").contains("port=") }),
              let line = (try? String(contentsOfFile: backendLog, encoding: .utf8))?.split(separator: "\n").first(where: { $0.hasPrefix("port=") }),
              let port = Int(line.dropFirst(5)) else {
            throw Harness.Failure(description: "native backend did not start")
        }
        let url = "http://127.0.0.1:\(port)/calculator.v1.CalculatorService/Add"
        let shape = ["-c", String(clients), "-m", String(streams)]
        let h2load = ["-t", "1", "-n", String(requests)] + shape
            + ["-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers", url]
        let ours = ["bench", "--target", "http://127.0.0.1:\(port)", "--descriptor", descriptor, "calculator.v1.CalculatorService/Add",
                    "--data-json", #"{"left":20,"right":22}"#, "--loops", "1", "-n", String(requests), "--json"] + shape

        // Warm-up, not recorded.
        _ = try ClientCPU.run("h2load", ["-t", "1", "-n", "20000"] + shape + ["-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers", url])
        _ = try ClientCPU.run(octobus, ours.map { $0 == String(requests) ? "20000" : $0 })

        var rates: [String: [Double]] = [:], cpu: [String: [Double]] = [:]
        for round in 0..<rounds {
            Harness.progress("round \(round + 1)/\(rounds)")
            let a = try ClientCPU.run("h2load", h2load)
            guard a.status == 0, Harness.h2loadSucceeded(a.stdout) else { throw Harness.Failure(description: "h2load failed:\n\(a.stdout)") }
            rates["h2load", default: []].append(try Harness.h2loadRate(a.stdout))
            cpu["h2load", default: []].append(a.cpuSeconds / Double(requests) * 1e6)
            let b = try ClientCPU.run(octobus, ours)
            guard b.status == 0, let report = try JSONSerialization.jsonObject(with: Data(b.stdout.utf8)) as? [String: Any],
                  let rate = report["requests_per_second"] as? Double, (report["errors"] as? Int) == 0,
                  (report["requests"] as? Int) == requests else {
                throw Harness.Failure(description: "octobus bench failed (\(b.status)):\n\(b.stdout)")
            }
            rates["octobus bench", default: []].append(rate)
            cpu["octobus bench", default: []].append(b.cpuSeconds / Double(requests) * 1e6)
        }
        let names = ["octobus bench", "h2load"]
        func list(_ values: [Double], _ digits: Int) -> String {
            values.map { digits == 0 ? String(Int($0)) : String(format: "%.\(digits)f", $0) }.joined(separator: ", ")
        }
        var rows = ""
        for name in names {
            rows += "| \(name) | \(Int(Harness.median(rates[name]!))) | \(list(rates[name]!, 0)) | "
                + "\(String(format: "%.2f", Harness.median(cpu[name]!))) | \(list(cpu[name]!, 2)) |\n"
        }
        let rateRatio = Harness.median(rates["octobus bench"]!) / Harness.median(rates["h2load"]!)
        let cpuRatio = Harness.median(cpu["octobus bench"]!) / Harness.median(cpu["h2load"]!)
        return """
        ### load generator: `octobus bench` vs h2load (\(rounds) interleaved rounds, medians)

        Unary gRPC `calculator.v1.CalculatorService/Add` on the native backend (one loop), \(requests) requests,
        `-c \(clients) -m \(streams)`, one client thread each (`h2load -t 1`, `octobus bench --loops 1`).

        | client | requests/s (median) | runs | client CPU µs / request (median) | runs |
        |---|---|---|---|---|
        \(rows)| **octobus bench / h2load** | **\(String(format: "%.2f", rateRatio))** (target ≥ 1.0) | | **\(String(format: "%.2f", cpuRatio))** (target ≤ 1.0) | |

        Commands: `h2load \(display(h2load.dropLast(), work)) <url>` and
        `octobus \(display(ours, work))`.

        """
    }
}
