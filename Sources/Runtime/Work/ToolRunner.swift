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

    /// Default limit per stream: tools like npm can be chatty, 4 MiB keeps the useful end.
    public static let defaultMaximumOutputBytes = 4 << 20

    public static func run(
        _ options: ProcessOptions, on loop: EventLoop, timeoutMilliseconds: UInt64,
        maximumOutputBytes: Int = defaultMaximumOutputBytes
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
                child.onTermination = { exit in
                    timer.close()
                    continuation.resume(returning: .success(Result(exit: exit, stdout: stdout, stderr: stderr,
                                                                   timedOut: timedOut, truncated: truncated)))
                }
            }
        }
        return try outcome.get()
    }
}
