import Foundation

/// Small process helpers for the benchmark harness (this is a tool, not the product,
/// so it uses Foundation freely).
enum Harness {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a command to completion and returns its stdout (stderr is captured too).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts a long-running process with stderr going to `logPath`.
    static func start(_ executable: String, _ arguments: [String], logPath: String, environment: [String: String]? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try resolve(executable))
        process.arguments = arguments
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)!
        process.standardError = log
        process.standardOutput = log
        try process.run()
        return process
    }

    static func resolve(_ executable: String) throws -> String {
        if executable.contains("/") { return executable }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Failure(description: "\(executable) not found on PATH")
    }

    /// Polls `condition` every 50 ms for up to `seconds`.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// Resident set size of a process in KiB, from /proc.
    static func rssKiB(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        }
        return nil
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// Requests per second from h2load's "finished in …, N req/s" line.
    static func h2loadRate(_ output: String) throws -> Double {
        for line in output.split(separator: "\n") where line.hasPrefix("finished in") {
            let parts = line.split(separator: ",")
            if parts.count >= 2, let value = Double(parts[1].trimmingCharacters(in: .whitespaces).split(separator: " ")[0]) {
                return value
            }
        }
        throw Failure(description: "cannot read h2load output:\n\(output)")
    }

    /// Mean request time in µs from h2load's "time for request: min max mean sd ±sd" line.
    static func h2loadMeanMicroseconds(_ output: String) throws -> Double {
        for line in output.split(separator: "\n") where line.hasPrefix("time for request:") {
            let fields = line.dropFirst("time for request:".count).split(separator: " ")
            if fields.count >= 3 {
                let text = fields[2]
                for (unit, scale) in [("us", 1.0), ("ms", 1000.0), ("s", 1_000_000.0)] where text.hasSuffix(unit) {
                    if let value = Double(text.dropLast(unit.count)) { return value * scale }
                }
            }
        }
        throw Failure(description: "cannot read h2load latency:\n\(output)")
    }

    /// A progress line on stderr (the report goes to stdout).
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data("[bench] \(text)\n".utf8))
    }

    static func h2loadSucceeded(_ output: String) -> Bool {
        output.contains("0 failed, 0 errored, 0 timeout")
    }
}
