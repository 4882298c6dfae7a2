/// How to start a child process with ``ChildProcess/spawn(loop:options:)``.
public struct ProcessOptions: Sendable {
    /// Where a child's standard input comes from.
    public enum Input: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe the parent writes with ``ChildProcess/writeStdin(_:)`` and ``ChildProcess/closeStdin()``.
        case pipe
        /// These bytes, then end of file.
        case bytes([UInt8])
    }

    /// Where a child's standard output or error goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe whose chunks reach ``ChildProcess/onStdout`` / ``ChildProcess/onStderr``.
        case pipe
        /// Appended to this file (created with mode 0600 when missing).
        case appendToFile(String)
        /// The parent's own descriptor (e.g. 2 to share the daemon's stderr).
        case inherit(Int32)
    }

    /// The program to run: an absolute or relative path (no PATH lookup), or a bare name when `searchPath` is set.
    public var executable: String
    /// Arguments after argv[0].
    public var arguments: [String]
    /// The complete environment; `nil` inherits the parent's.
    public var environment: [String: String]?
    public var workingDirectory: String?
    public var stdin: Input = .null
    public var stdout: Output = .null
    public var stderr: Output = .null
    /// Bytes written into a pipe whose read end becomes the child's fd 3, 4, …, closed after writing
    /// (how secrets reach a child without touching disk or argv).
    public var extraInputPipes: [[UInt8]] = []
    /// Starts the child in a new session and process group (pgid = pid), so the whole
    /// tree can be signalled and it survives the parent's terminal signals.
    public var newProcessGroup: Bool = true
    /// Resolve `executable` through `PATH` (for tools like `npm`, `protoc`, `git`).
    public var searchPath: Bool = false

    public init(executable: String, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }
}

/// How a child process ended.
public struct ProcessExit: Sendable, Equatable, CustomStringConvertible {
    /// The exit code, meaningful when `signal == 0`.
    public let code: Int
    /// The terminating signal, or 0.
    public let signal: Int32

    public init(code: Int, signal: Int32) {
        self.code = code
        self.signal = signal
    }

    public var succeeded: Bool { code == 0 && signal == 0 }

    public var description: String {
        signal != 0 ? "killed by signal \(signal)" : "exit status \(code)"
    }
}
