import Foundation

/// A running `octobus serve` for a benchmark, on a free port with its own data dir.
final class DaemonHandle {
    let process: Process
    let port: Int
    let dataDirectory: String
    let octobus: String
    let logPath: String

    init(octobus: String, dataDirectory: String, logPath: String, environment: [String: String]? = nil) throws {
        self.octobus = octobus
        self.dataDirectory = dataDirectory
        self.logPath = logPath
        port = Harness.freePort()
        process = try Harness.start(octobus, ["serve", "--addr", "127.0.0.1:\(port)", "--data-dir", dataDirectory], logPath: logPath,
                                    environment: environment)
        guard Harness.waitUntil(seconds: 15, { (try? String(contentsOfFile: logPath, encoding: .utf8))?.contains("daemon_listening") == true }) else {
            throw Harness.Failure(description: "octobus did not start")
        }
    }

    /// Runs the CLI against this daemon.
    @discardableResult
    func cli(_ arguments: [String]) throws -> String {
        let result = try Harness.run(octobus, ["--addr", "127.0.0.1:\(port)"] + arguments)
        guard result.status == 0 else {
            throw Harness.Failure(description: "octobus \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
