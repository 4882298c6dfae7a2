import Foundation

/// Runs a load-generating client to completion and reads the CPU it used (user + system,
/// from `/proc/<pid>/stat`) after it exited but before it is reaped (`waitid` with
/// `WNOWAIT`), so the figure covers the whole run and nothing else.
enum ClientCPU {
    struct Run {
        let stdout: String
        let status: Int32
        /// User + system CPU seconds of the client process (all its threads).
        let cpuSeconds: Double
        let wallSeconds: Double
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Run {
        let path = try Harness.resolve(executable)
        let output = NSTemporaryDirectory() + "octobus-client-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = Date()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard rc == 0 else { throw Harness.Failure(description: "spawn \(executable): \(String(cString: strerror(rc)))") }
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 {
            guard errno == EINTR else { throw Harness.Failure(description: "waitid: \(String(cString: strerror(errno)))") }
        }
        let wall = Date().timeIntervalSince(started)
        let cpu = try cpuSeconds(pid: pid)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : -1
        return Run(stdout: (try? String(contentsOfFile: output, encoding: .utf8)) ?? "", status: exitCode, cpuSeconds: cpu, wallSeconds: wall)
    }

    /// utime + stime (fields 14 and 15 of /proc/<pid>/stat, after the parenthesised name).
    static func cpuSeconds(pid: pid_t) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        guard let close = text.lastIndex(of: ")") else { throw Harness.Failure(description: "unreadable /proc/\(pid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Harness.Failure(description: "unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
