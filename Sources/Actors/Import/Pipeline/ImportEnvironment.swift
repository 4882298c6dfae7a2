import Protocols
import Runtime

/// What an import needs from the daemon: where things live, where tools run, how to log,
/// and how to restart instances after a commit.
struct ImportEnvironment: Sendable {
    /// `<data>/artifacts/services` (absolute).
    let servicesDirectory: String
    /// Tools run as child processes on this loop.
    let loop: EventLoop
    /// File copies, extraction and hashing run here.
    let pool: BlockingPool
    let logger: Logger
    /// Environment for npm/protoc/git/curl: the daemon's own (so the user's npm registry
    /// configuration, proxies and CA settings apply).
    let toolEnvironment: [String: String]

    /// Time limits for tools: installs and fetches can be slow on real networks.
    static let fetchTimeoutMilliseconds: UInt64 = 15 * 60 * 1000
    static let installTimeoutMilliseconds: UInt64 = 15 * 60 * 1000
    static let protocTimeoutMilliseconds: UInt64 = 2 * 60 * 1000

    /// Runs a tool found on PATH; a missing tool is a clear error.
    func runTool(_ name: String, _ arguments: [String], cwd: String? = nil, extraEnvironment: [String: String] = [:],
                 timeoutMilliseconds: UInt64, stdin: [UInt8]? = nil) async throws(ImportError) -> ToolRunner.Result {
        var options = ProcessOptions(executable: name, arguments: arguments)
        options.searchPath = true
        options.workingDirectory = cwd
        var environment = toolEnvironment
        for (key, value) in extraEnvironment { environment[key] = value }
        options.environment = environment
        options.newProcessGroup = true
        if let stdin { options.stdin = .bytes(stdin) }
        guard ExecutableLookup.find(name, environment: environment) != nil else {
            throw ImportError("\(name) is required on PATH to import services but was not found")
        }
        do {
            return try await ToolRunner.run(options, on: loop, timeoutMilliseconds: timeoutMilliseconds)
        } catch {
            throw ImportError("\(name): \(error.reason)")
        }
    }

    /// Runs blocking work on the pool, mapping file-system errors to import errors.
    func blocking<T: Sendable>(_ what: String, _ body: @escaping @Sendable () throws -> T) async throws(ImportError) -> T {
        let result: Result<T, ImportError> = await pool.run {
            do {
                return .success(try body())
            } catch let error as ImportError {
                return .failure(error)
            } catch {
                return .failure(ImportError("\(what): \(error)"))
            }
        }
        return try result.get()
    }
}

extension ToolRunner.Result {
    /// "exit status 1" / "killed by signal 9" / "timed out", for error messages.
    var failureSummary: String {
        timedOut ? "timed out" : exit.description
    }

    /// The last meaningful lines of stderr (or stdout), trimmed for messages.
    var diagnostics: String {
        let text = stderrText.trimmingASCIIWhitespace().isEmpty ? stdoutText : stderrText
        let lines = text.split(separator: "\n").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        return lines.suffix(20).joined(separator: "\n")
    }
}
