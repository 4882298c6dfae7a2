import Glibc

/// Runs an external tool (npm, protoc, git, curl) to completion on an event loop and
/// collects its output, with a timeout and output limits. The caller awaits; no thread
/// blocks while the tool runs.
public enum ToolRunner {
    public struct Result: Sendable {
        public var exit: ProcessExit
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// True when the tool was killed for exceeding its time limit.
        public var timedOut: Bool
        /// True when output beyond the limit was dropped.
        public var truncated: Bool

        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// A started tool, handed to `onStart`: its pid (and process group id, with
    /// ``ProcessOptions/newProcessGroup``) and a way to stop it early from any thread.
    public final class Handle: Sendable {
        public let pid: Int32
        private let child: LoopBound<ChildProcess>

        init(_ child: ChildProcess) {
            pid = child.pid
            self.child = LoopBound(child, loop: child.loop)
        }

        /// Sends SIGKILL to the tool (its whole process group when it has one). Does nothing
        /// once it has exited; the run then completes as killed by signal 9.
        public func kill() {
            let child = self.child
            child.loop.execute { child.value.kill(SIGKILL) }
        }
    }

    /// Default limit per stream: tools like npm can be chatty, 4 MiB keeps the useful end.
    public static let defaultMaximumOutputBytes = 4 << 20

    /// Runs the tool to completion.
    ///
    /// - Parameters:
    ///   - onStart: called on the loop right after the spawn, with a handle to stop the tool.
    ///   - killGroupOnExit: after the tool exits, SIGKILL whatever is left in its process group
    ///     (children it started and did not wait for). Needs ``ProcessOptions/newProcessGroup``.
    public static func run(
        _ options: ProcessOptions, on loop: EventLoop, timeoutMilliseconds: UInt64,
        maximumOutputBytes: Int = defaultMaximumOutputBytes, killGroupOnExit: Bool = false,
        onStart: (@Sendable (Handle) -> Void)? = nil
    ) async throws(SpawnError) -> Result {
        let outcome: Swift.Result<Result, SpawnError> = await withCheckedContinuation { continuation in
            loop.execute {
                var options = options
                if case .null = options.stdout { options.stdout = .pipe }
                if case .null = options.stderr { options.stderr = .pipe }
                let child: ChildProcess
                do throws(SpawnError) {
                    child = try ChildProcess.spawn(loop: loop, options: options)
                } catch {
                    continuation.resume(returning: .failure(error))
                    return
                }
                var stdout: [UInt8] = []
                var stderr: [UInt8] = []
                var truncated = false
                var timedOut = false
                child.onStdout = { chunk in
                    if stdout.count < maximumOutputBytes { stdout += chunk.prefix(maximumOutputBytes - stdout.count) } else { truncated = true }
                }
                child.onStderr = { chunk in
                    // Keep the tail of stderr: errors are printed last.
                    stderr += chunk
                    if stderr.count > maximumOutputBytes {
                        stderr.removeFirst(stderr.count - maximumOutputBytes)
                        truncated = true
                    }
                }
                let timer = LoopTimer(loop: loop)
                timer.start(afterMilliseconds: timeoutMilliseconds) {
                    timedOut = true
                    child.kill(9)
                }
                onStart?(Handle(child))
                child.onTermination = { exit in
                    timer.close()
                    // The leader is reaped; while any member of its group is alive the kernel
                    // keeps the group id from being reused, so this reaches only our stragglers.
                    if killGroupOnExit, child.hasOwnProcessGroup { _ = Glibc.kill(-child.pid, SIGKILL) }
                    continuation.resume(returning: .success(Result(exit: exit, stdout: stdout, stderr: stderr,
                                                                   timedOut: timedOut, truncated: truncated)))
                }
            }
        }
        return try outcome.get()
    }
}
