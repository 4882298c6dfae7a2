import Foundation

/// Time from `octobus serve` to all of N enabled calculator instances healthy
/// (status `running`, which OctoBus sets only after the gRPC health check passes).
struct InstancesScenario {
    let octobus: String
    let repository: String
    let count: Int

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-instances-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let data = work + "/data"

        var daemon = try DaemonHandle(octobus: octobus, dataDirectory: data, logPath: work + "/daemon1.log")
        try daemon.cli(["service", "import", "calc", repository + "/examples/calculator-js", "--offline"])
        for index in 0..<count {
            try daemon.cli(["instance", "create", "calc-\(index)", "--service", "calc", "--config-json", #"{"label":"bench"}"#, "--no-start"])
        }
        // Enable them (start), then restart the daemon: enabled instances come back on serve.
        for index in 0..<count { try daemon.cli(["instance", "start", "calc-\(index)"]) }
        daemon.stop()

        let start = Date()
        daemon = try DaemonHandle(octobus: octobus, dataDirectory: data, logPath: work + "/daemon2.log")
        defer { daemon.stop() }
        var healthy = 0
        let ok = Harness.waitUntil(seconds: 120) {
            guard let text = try? daemon.cli(["instance", "list"]) else { return false }
            healthy = text.components(separatedBy: "\"Status\": \"running\"").count - 1
            return healthy == count
        }
        let elapsed = Date().timeIntervalSince(start)
        guard ok else { throw Harness.Failure(description: "only \(healthy) of \(count) instances became healthy") }
        let rss = Harness.rssKiB(pid: daemon.process.processIdentifier) ?? 0
        return """
        ### instances: `serve` to \(count) enabled instances healthy

        | measure | value |
        |---|---|
        | serve start → all \(count) instances `running` (health-checked) | \(Int(elapsed * 1000)) ms |
        | daemon RSS with \(count) instances supervised | \(rss / 1024) MiB |

        Starts run 4 at a time (SPEC §5.1); each start waits for `grpc.health.v1.Health/Check` = SERVING.

        """
    }
}
