import Foundation

/// Server CPU time per request (user + system, from `/proc/<pid>/stat`) under the same
/// h2load load, for nghttpd, the HTTP runtime alone (`bare-server`), and `octobus serve`
/// with and without its malloc tuning. Each server runs one loop/thread, so the figure is
/// the cost of a request, independent of how many cores the machine lends it. Throughput
/// on a 2-core machine follows this number (h2load has the other core).
struct CPUScenario {
    let octobus: String
    let bench: String
    let rounds: Int
    let requests: Int

    private struct Server {
        let name: String
        let start: (String) throws -> (process: Process, url: String)
    }

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-cpu-\(getpid())"
        try FileManager.default.createDirectory(atPath: work + "/docroot", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try "{\"status\":\"ok\",\"services\":0}\n".write(toFile: work + "/docroot/status", atomically: true, encoding: .utf8)

        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "GLIBC_TUNABLES")
        var untuned = environment
        untuned["OCTOBUS_MALLOC_TUNING"] = "off"
        let servers = [
            Server(name: "nghttpd (C, nghttp2)") { log in
                let port = Harness.freePort()
                let process = try Harness.start("nghttpd", ["--no-tls", "-d", work + "/docroot", String(port)], logPath: log)
                return (process, "http://127.0.0.1:\(port)/status")
            },
            Server(name: "`OctobusBench bare-server` (runtime alone)") { log in
                let process = try Harness.start(bench, ["bare-server", "--loops", "1"], logPath: log, environment: environment)
                guard Harness.waitUntil(seconds: 10, { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("port=") }),
                      let text = try? String(contentsOfFile: log, encoding: .utf8),
                      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("port=") }) else {
                    throw Harness.Failure(description: "bare-server did not start")
                }
                return (process, "http://127.0.0.1:\(line.dropFirst(5))/admin/v1/status")
            },
            Server(name: "`octobus serve` `GET /admin/v1/status`") { log in
                try startDaemon(work: work, tag: "tuned", log: log, environment: environment)
            },
            Server(name: "`octobus serve`, `OCTOBUS_MALLOC_TUNING=off`") { log in
                try startDaemon(work: work, tag: "untuned", log: log, environment: untuned)
            },
        ]

        var rows: [String] = []
        for (index, server) in servers.enumerated() {
            let (process, url) = try server.start(work + "/server\(index).log")
            defer { process.terminate(); process.waitUntilExit() }
            usleep(500_000)
            _ = try Harness.run("h2load", ["-n", "50000", "-c", "10", "-m", "10", url])
            var perRequest: [Double] = []
            var rates: [Double] = []
            for _ in 0..<rounds {
                let before = try cpuSeconds(pid: process.processIdentifier)
                let output = try Harness.run("h2load", ["-n", String(requests), "-c", "10", "-m", "10", url]).stdout
                let after = try cpuSeconds(pid: process.processIdentifier)
                guard Harness.h2loadSucceeded(output) else { throw Harness.Failure(description: "\(server.name) had failures:\n\(output)") }
                perRequest.append((after - before) / Double(requests) * 1_000_000)
                rates.append(try Harness.h2loadRate(output))
            }
            let sorted = perRequest.sorted()
            rows.append("| \(server.name) | \(String(format: "%.2f", sorted.first!)) | \(String(format: "%.2f", Harness.median(perRequest))) | \(Int(Harness.median(rates))) |")
        }
        return """
        ### CPU per request (one loop/thread per server, \(rounds) rounds of `h2load -n \(requests) -c 10 -m 10`)

        | server | µs CPU / request (min) | (median) | requests/s (median) |
        |---|---|---|---|
        \(rows.joined(separator: "\n"))

        """
    }

    private func startDaemon(work: String, tag: String, log: String, environment: [String: String]) throws -> (process: Process, url: String) {
        let port = Harness.freePort()
        let process = try Harness.start(octobus, ["serve", "--addr", "127.0.0.1:\(port)", "--data-dir", work + "/data-\(tag)", "--loops", "1"],
                                        logPath: log, environment: environment)
        guard Harness.waitUntil(seconds: 10, { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("daemon_listening") }) else {
            throw Harness.Failure(description: "octobus did not start")
        }
        return (process, "http://127.0.0.1:\(port)/admin/v1/status")
    }

    /// utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks).
    private func cpuSeconds(pid: Int32) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
        guard let close = text.lastIndex(of: ")") else { throw Harness.Failure(description: "unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Harness.Failure(description: "unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
