import Foundation

/// The gRPC gateway against the same native backend called directly and behind nginx
/// `grpc_pass` (upstream keepalive), in one run with interleaved rounds:
/// unary throughput (h2load), added latency at one call in flight (`octobus bench --compare`),
/// server-streaming messages/s (`octobus bench --compare`), and the daemon's RSS with 10,000 open
/// streams over 1,000 connections.
struct GatewayScenario {
    let octobus: String
    let bench: String
    let rounds: Int
    let requests: Int
    let clients: Int
    let streams: Int

    func run() async throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-gateway-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let body = work + "/add.bin"
        try BenchPackage.addRequest.write(to: URL(fileURLWithPath: body))
        let setup = try BenchGateway.start(octobus: octobus, bench: bench, work: work)
        let daemon = setup.daemon, backendPort = setup.backendPort
        defer { daemon.stop() }
        let nginxPort = Harness.freePort()
        let nginx = try startNginx(work: work, port: nginxPort, backendPort: backendPort)
        defer { nginx.terminate(); nginx.waitUntilExit() }
        usleep(500_000)
        let idleRSS = Harness.rssKiB(pid: daemon.process.processIdentifier) ?? 0

        Harness.progress("unary")
        let routing = ["-H", "x-octobus-capset: bench", "-H", "x-octobus-instance: b1"]
        let grpc = ["-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers"]
        let path = "/calculator.v1.CalculatorService/Add"
        let targets: [(name: String, url: String, extra: [String])] = [
            ("gateway", "http://127.0.0.1:\(daemon.port)\(path)", routing),
            ("direct", "http://127.0.0.1:\(backendPort)\(path)", []),
            ("nginx grpc_pass", "http://127.0.0.1:\(nginxPort)\(path)", []),
        ]
        let load = ["-n", String(requests), "-c", String(clients), "-m", String(streams)]
        for target in targets { _ = try Harness.run("h2load", ["-n", "20000", "-c", String(clients), "-m", String(streams)] + grpc + target.extra + [target.url]) }
        var rates: [String: [Double]] = [:]
        for _ in 0..<rounds {
            for target in targets {
                let out = try Harness.run("h2load", load + grpc + target.extra + [target.url]).stdout
                guard Harness.h2loadSucceeded(out) else { throw Harness.Failure(description: "\(target.name) run had failures:\n\(out)") }
                rates[target.name, default: []].append(try Harness.h2loadRate(out))
            }
        }

        Harness.progress("latency")
        // Latency at one call in flight, gateway then direct, from `octobus bench --compare`
        // (HDR histograms of the same calls on the same client).
        let compared = try Harness.run(octobus, ["--addr", "127.0.0.1:\(daemon.port)", "bench", "bench", "b1", "calculator.v1.CalculatorService/Add",
                                                 "--data-json", #"{"left":20,"right":22}"#, "--compare", "-c", "1", "-m", "1", "-n", "20000",
                                                 "--warmup", "1s", "--json"])
        guard compared.status == 0, let report = try JSONSerialization.jsonObject(with: Data(compared.stdout.utf8)) as? [String: Any] else {
            throw Harness.Failure(description: "octobus bench --compare failed: \(compared.stderr)")
        }
        var latency: [String: (p50: Double, p99: Double)] = [:]
        for name in ["gateway", "direct"] {
            guard let run = report[name] as? [String: Any], let ms = run["latency_ms"] as? [String: Double],
                  let p50 = ms["p50"], let p99 = ms["p99"] else { throw Harness.Failure(description: "no \(name) latency in the bench report") }
            latency[name] = (p50 * 1000, p99 * 1000)
        }

        // The same at one call in flight with h2load, so nginx (no octobus bench target) sits
        // beside them: what any proxy hop costs on this machine.
        var meanLatency: [String: [Double]] = [:]
        for _ in 0..<rounds {
            for target in targets {
                let out = try Harness.run("h2load", ["-n", "20000", "-c", "1", "-m", "1"] + grpc + target.extra + [target.url]).stdout
                guard Harness.h2loadSucceeded(out) else { throw Harness.Failure(description: "\(target.name) run had failures:\n\(out)") }
                meanLatency[target.name, default: []].append(try Harness.h2loadMeanMicroseconds(out))
            }
        }
        func mean(_ name: String) -> Int { Int(Harness.median(meanLatency[name]!)) }

        Harness.progress("streaming")
        // Server streaming: 4 streams × 50,000 messages of 1 KiB, gateway then direct
        // (`octobus bench --compare` on bench.v1.Counter/Count: messages/s over the run).
        var streaming: [String: [Double]] = [:]
        for _ in 0..<rounds {
            let run = try Harness.run(octobus, ["--addr", "127.0.0.1:\(daemon.port)", "bench", "bench", "b1", "bench.v1.Counter/Count",
                                               "--data-json", #"{"count":50000,"size":1024}"#, "--compare", "-c", "1", "-m", "4",
                                               "-n", "4", "--loops", "1", "--json"])
            guard run.status == 0, let report = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
                throw Harness.Failure(description: "octobus bench streaming failed: \(run.stderr)")
            }
            for name in ["gateway", "direct"] {
                guard let side = report[name] as? [String: Any], let stream = side["streaming"] as? [String: Any],
                      let rate = stream["messages_per_second"] as? Double, (stream["messages"] as? Int) == 200_000 else {
                    throw Harness.Failure(description: "no \(name) streaming figures in the bench report")
                }
                streaming[name, default: []].append(rate)
            }
        }
        let client = BenchStreamClient()
        let metadata = [("x-octobus-capset", "bench"), ("x-octobus-instance", "b1")]

        Harness.progress("held streams")
        // 10,000 open streams over 1,000 connections through the gateway.
        let release = try await client.holdStreams(port: daemon.port, metadata: metadata, connections: 1000, perConnection: 10)
        usleep(500_000)
        let heldRSS = Harness.rssKiB(pid: daemon.process.processIdentifier) ?? 0
        await release()

        let gateway = Harness.median(rates["gateway"]!), direct = Harness.median(rates["direct"]!), nginxRate = Harness.median(rates["nginx grpc_pass"]!)
        let streamGateway = Harness.median(streaming["gateway"]!), streamDirect = Harness.median(streaming["direct"]!)
        func runs(_ name: String) -> String { rates[name]!.map { String(Int($0)) }.joined(separator: ", ") }
        let added50 = latency["gateway"]!.p50 - latency["direct"]!.p50
        return """
        ### gRPC gateway: unary and streaming vs the backend direct and nginx grpc_pass (\(rounds) interleaved rounds, medians)

        | path | unary requests/s (median) | runs |
        |---|---|---|
        | octobus gateway | \(Int(gateway)) | \(runs("gateway")) |
        | backend direct | \(Int(direct)) | \(runs("direct")) |
        | nginx grpc_pass (keepalive 64) | \(Int(nginxRate)) | \(runs("nginx grpc_pass")) |
        | **gateway / direct** | **\(String(format: "%.2f", gateway / direct))** (target ≥ 0.6) | |
        | **gateway / nginx** | **\(String(format: "%.2f", gateway / nginxRate))** (target ≥ 2) | |

        Unary command: `h2load \(load.joined(separator: " ")) -d add.bin -H 'content-type: application/grpc' -H 'te: trailers' [routing headers] <url>`.

        | latency at `-c 1 -m 1` (20,000 calls, `octobus bench --compare`) | p50 µs | p99 µs |
        |---|---|---|
        | gateway | \(Int(latency["gateway"]!.p50)) | \(Int(latency["gateway"]!.p99)) |
        | direct | \(Int(latency["direct"]!.p50)) | \(Int(latency["direct"]!.p99)) |
        | **added by the gateway** | **\(Int(added50))** (target ≤ 50) | \(Int(latency["gateway"]!.p99 - latency["direct"]!.p99)) |

        | mean latency at `-c 1 -m 1` (h2load, 20,000 calls, median of rounds) | µs | added to direct |
        |---|---|---|
        | gateway | \(mean("gateway")) | \(mean("gateway") - mean("direct")) |
        | nginx grpc_pass | \(mean("nginx grpc_pass")) | \(mean("nginx grpc_pass") - mean("direct")) |
        | direct | \(mean("direct")) | |

        | server streaming (4 streams × 50,000 × 1 KiB) | messages/s (median) |
        |---|---|
        | gateway | \(Int(streamGateway)) |
        | direct | \(Int(streamDirect)) |
        | **gateway / direct** | **\(String(format: "%.2f", streamGateway / streamDirect))** (target ≥ 0.9) |

        10,000 open streams over 1,000 connections through the gateway: daemon RSS \(heldRSS / 1024) MiB (idle \(idleRSS / 1024) MiB; target < 256 MiB).

        """
    }

    private func startNginx(work: String, port: Int, backendPort: Int) throws -> Process {
        let config = """
        worker_processes 2;
        daemon off;
        pid \(work)/nginx.pid;
        error_log \(work)/nginx-error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path \(work)/nginx-body;
            upstream backend { server 127.0.0.1:\(backendPort); keepalive 64; keepalive_requests 10000000; }
            server {
                listen 127.0.0.1:\(port) http2;
                keepalive_requests 10000000;
                location / { grpc_pass grpc://backend; }
            }
        }
        """
        try config.write(toFile: work + "/nginx.conf", atomically: true, encoding: .utf8)
        return try Harness.start("nginx", ["-c", work + "/nginx.conf", "-p", work], logPath: work + "/nginx.log")
    }
}
