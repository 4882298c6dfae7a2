import Foundation

/// A daemon serving the native benchmark backend as instance `b1` in capset `bench`: the
/// setup the gateway scenarios share (the service package in `work`, the daemon's data and
/// log there too).
struct BenchGateway {
    let daemon: DaemonHandle
    /// The instance's own gRPC port (for direct calls and baselines).
    let backendPort: Int
    /// The backend process (the `OctobusBench backend` the instance's launcher runs), for its CPU time.
    let backendPID: pid_t

    /// Starts the daemon and the instance; `bench` is the OctobusBench binary the package runs.
    static func start(octobus: String, bench: String, work: String) throws -> BenchGateway {
        try BenchPackage.write(to: work + "/package")
        var environment = ProcessInfo.processInfo.environment
        environment["OCTOBUS_BENCH_BACKEND"] = bench
        let daemon = try DaemonHandle(octobus: octobus, dataDirectory: work + "/data", logPath: work + "/daemon.log", environment: environment)
        do {
            try daemon.cli(["service", "import", "native", work + "/package"])
            try daemon.cli(["instance", "create", "b1", "--service", "native"])
            try daemon.cli(["capset", "create", "bench"])
            try daemon.cli(["capset", "add-instance", "bench", "b1"])
            let instance = try JSONSerialization.jsonObject(with: Data(try daemon.cli(["instance", "get", "b1"]).utf8)) as? [String: Any]
            guard let address = instance?["ListenAddr"] as? String, let port = Int(address.split(separator: ":").last ?? ""),
                  let pid = instance?["PID"] as? Int else {
                throw Harness.Failure(description: "instance b1 has no address or pid")
            }
            // The instance is the package's node launcher; the backend is its one child.
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
            guard let backend = children.split(separator: " ").first.flatMap({ pid_t($0) }) else {
                throw Harness.Failure(description: "instance b1 (pid \(pid)) has no backend process")
            }
            return BenchGateway(daemon: daemon, backendPort: port, backendPID: backend)
        } catch {
            daemon.stop()
            throw error
        }
    }
}
