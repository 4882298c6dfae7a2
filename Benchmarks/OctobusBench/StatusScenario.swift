import Foundation

/// `GET /admin/v1/status` on `octobus serve` versus nghttpd serving a file with the same
/// bytes, both loaded by h2load with the same parameters, rounds interleaved so that
/// machine noise hits both sides alike. Reports medians, the ratio, and idle RSS.
struct StatusScenario {
    let octobus: String
    let rounds: Int
    let requests: Int
    let clients: Int
    let streams: Int

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }

        let octobusPort = Harness.freePort()
        let daemon = try Harness.start(octobus, ["serve", "--addr", "127.0.0.1:\(octobusPort)", "--data-dir", work + "/data"],
                                       logPath: work + "/daemon.log")
        defer { daemon.terminate(); daemon.waitUntilExit() }
        guard Harness.waitUntil(seconds: 10, { (try? String(contentsOfFile: work + "/daemon.log", encoding: .utf8))?.contains("daemon_listening") == true }) else {
            throw Harness.Failure(description: "octobus did not start")
        }
        usleep(300_000)
        let idleRSS = Harness.rssKiB(pid: daemon.processIdentifier) ?? 0

        // The same bytes for nghttpd to serve.
        let body = try Harness.run("curl", ["-sS", "http://127.0.0.1:\(octobusPort)/admin/v1/status"]).stdout
        let docroot = work + "/docroot"
        try FileManager.default.createDirectory(atPath: docroot, withIntermediateDirectories: true)
        try body.write(toFile: docroot + "/status", atomically: true, encoding: .utf8)
        let nghttpdPort = Harness.freePort()
        let nghttpd = try Harness.start("nghttpd", ["--no-tls", "-d", docroot, String(nghttpdPort)], logPath: work + "/nghttpd.log")
        defer { nghttpd.terminate(); nghttpd.waitUntilExit() }
        usleep(500_000)

        let arguments = ["-n", String(requests), "-c", String(clients), "-m", String(streams)]
        var octobusRates: [Double] = []
        var nghttpdRates: [Double] = []
        // Warm-up, not recorded.
        _ = try Harness.run("h2load", ["-n", "20000", "-c", String(clients), "-m", String(streams), "http://127.0.0.1:\(octobusPort)/admin/v1/status"])
        _ = try Harness.run("h2load", ["-n", "20000", "-c", String(clients), "-m", String(streams), "http://127.0.0.1:\(nghttpdPort)/status"])
        for _ in 0..<rounds {
            let a = try Harness.run("h2load", arguments + ["http://127.0.0.1:\(octobusPort)/admin/v1/status"]).stdout
            guard Harness.h2loadSucceeded(a) else { throw Harness.Failure(description: "octobus run had failures:\n\(a)") }
            octobusRates.append(try Harness.h2loadRate(a))
            let b = try Harness.run("h2load", arguments + ["http://127.0.0.1:\(nghttpdPort)/status"]).stdout
            guard Harness.h2loadSucceeded(b) else { throw Harness.Failure(description: "nghttpd run had failures:\n\(b)") }
            nghttpdRates.append(try Harness.h2loadRate(b))
        }
        let loadedRSS = Harness.rssKiB(pid: daemon.processIdentifier) ?? 0
        let a = Harness.median(octobusRates)
        let b = Harness.median(nghttpdRates)
        let command = "h2load " + arguments.joined(separator: " ")
        return """
        ### status: octobus vs nghttpd (\(rounds) interleaved rounds, medians)

        | server | requests/s (median) | runs |
        |---|---|---|
        | octobus `GET /admin/v1/status` | \(Int(a)) | \(octobusRates.map { String(Int($0)) }.joined(separator: ", ")) |
        | nghttpd (same \(body.utf8.count)-byte body) | \(Int(b)) | \(nghttpdRates.map { String(Int($0)) }.joined(separator: ", ")) |
        | **ratio octobus / nghttpd** | **\(String(format: "%.2f", a / max(b, 1)))** | |

        Command: `\(command) <url>`; octobus idle RSS \(idleRSS / 1024) MiB (\(idleRSS) KiB), after load \(loadedRSS / 1024) MiB.

        """
    }
}
