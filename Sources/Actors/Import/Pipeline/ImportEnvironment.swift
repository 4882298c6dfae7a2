import Protocols
import Runtime
import Synchronization

/// What an import needs from the daemon: where things live, where tools run, how to log,
/// its limits, and (once the pipeline made it) the staging directory it works in.
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
    /// Unpacked-size and disk bounds per import.
    var limits = ImportLimits()
    /// Bounds on the compiled descriptor set.
    var descriptorLimits = DescriptorLimits()
    /// Real path of the OctoBus SDK shipped with the daemon (see ``BundledSDK``): the one
    /// directory outside a package that its `file:` dependencies may point at.
    var bundledSDK: String?
    /// The import's staging directory, set by the pipeline once it exists. Tools run with
    /// their working directory inside it (start-up recovery finds leftovers by that), and its
    /// disk use is watched while they run.
    var staging: String?

    /// Time limits for tools: installs and fetches can be slow on real networks.
    static let fetchTimeoutMilliseconds: UInt64 = 15 * 60 * 1000
    static let installTimeoutMilliseconds: UInt64 = 15 * 60 * 1000
    static let protocTimeoutMilliseconds: UInt64 = 2 * 60 * 1000
    /// How often the staging directory's disk use is measured while a tool runs.
    static let diskCheckIntervalMilliseconds: UInt64 = 1000

    /// This environment working in `staging`.
    func working(in staging: String) -> ImportEnvironment {
        var copy = self
        copy.staging = staging
        return copy
    }

    /// Runs a tool found on PATH; a missing tool is a clear error. With a staging directory,
    /// a tool that makes the staging directory outgrow ``ImportLimits/maximumDiskBytes`` is
    /// killed, and whatever the tool left running in its process group is killed when it exits.
    func runTool(_ name: String, _ arguments: [String], cwd: String? = nil, extraEnvironment: [String: String] = [:],
                 timeoutMilliseconds: UInt64, stdin: [UInt8]? = nil) async throws(ImportError) -> ToolRunner.Result {
        var options = ProcessOptions(executable: name, arguments: arguments)
        options.searchPath = true
        options.workingDirectory = cwd ?? staging
        var environment = toolEnvironment
        for (key, value) in extraEnvironment { environment[key] = value }
        options.environment = environment
        options.newProcessGroup = true
        if let stdin { options.stdin = .bytes(stdin) }
        guard ExecutableLookup.find(name, environment: environment) != nil else {
            throw ImportError("\(name) is required on PATH to import services but was not found")
        }
        let loop = self.loop
        let spawn = options
        let outcome = await watchingDisk { onStart -> Result<ToolRunner.Result, SpawnError> in
            do throws(SpawnError) {
                return .success(try await ToolRunner.run(spawn, on: loop, timeoutMilliseconds: timeoutMilliseconds,
                                                         killGroupOnExit: true, onStart: onStart))
            } catch {
                return .failure(error)
            }
        }
        if let used = outcome.diskUsedOverLimit {
            throw ImportError("\(name) was stopped: the import's staging directory grew to \(ByteSize.describe(used)), "
                              + "more than the disk limit of \(ByteSize.describe(limits.maximumDiskBytes)) "
                              + "(octobus serve --import-max-disk-bytes)")
        }
        do throws(SpawnError) {
            return try outcome.value.get()
        } catch {
            throw ImportError("\(name): \(error.reason)")
        }
    }

    /// Runs `body` (a tool run that reports its handle through the given callback) while
    /// measuring the staging directory's disk use; over the limit, the tool is killed.
    private func watchingDisk<T: Sendable>(
        _ body: @escaping @Sendable (_ onStart: @escaping @Sendable (ToolRunner.Handle) -> Void) async -> T
    ) async -> (value: T, diskUsedOverLimit: Int?) {
        guard let staging else { return (await body { _ in }, nil) }
        let watch = DiskWatch()
        let maximum = limits.maximumDiskBytes
        let pool = self.pool
        return await withTaskGroup(of: WatchedToolOutcome<T>.self) { group in
            group.addTask { .tool(await body { started in watch.tool.withLock { $0 = started } }) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(Self.diskCheckIntervalMilliseconds))
                    if Task.isCancelled { break }
                    let used = await pool.run { FileSystem.diskUsage(staging) }
                    // Until the tool has started there is nothing to kill yet: measure again.
                    if used > maximum, let tool = watch.tool.withLock({ $0 }) {
                        watch.usedOverLimit.withLock { $0 = used }
                        tool.kill()
                        break
                    }
                }
                return .watchdogStopped
            }
            var value: T?
            for await outcome in group {
                if case .tool(let result) = outcome {
                    value = result
                    group.cancelAll()
                }
            }
            return (value!, watch.usedOverLimit.withLock { $0 })
        }
    }

    /// Fails when the staging directory holds more than ``ImportLimits/maximumDiskBytes``
    /// (checked after each stage; tools are also watched while they run).
    func checkDiskUse(after stage: ImportStage) async throws(ImportError) {
        guard let staging else { return }
        let used = await pool.run { FileSystem.diskUsage(staging) }
        guard used > limits.maximumDiskBytes else { return }
        throw ImportError("the import used \(ByteSize.describe(used)) of disk by the end of \(stage.rawValue), "
                          + "more than the limit of \(ByteSize.describe(limits.maximumDiskBytes)) "
                          + "(octobus serve --import-max-disk-bytes)")
    }

    /// Archive bounds for unpacking a package: the import's unpacked-size limit on top of
    /// the extractor's own defaults.
    var archiveLimits: ArchiveLimits {
        ArchiveLimits(maximumTotalBytes: min(ArchiveLimits.defaultMaximumTotalBytes, limits.maximumUnpackedBytes))
    }

    /// Extracts a package archive within ``archiveLimits`` (blocking: call it on the pool).
    func extractPackage(_ archive: String, format: ArchiveFormat, into directory: String) throws(ImportError) {
        do {
            _ = try ArchiveExtractor.extract(archive: archive, format: format, into: directory, limits: archiveLimits)
        } catch where error.code == .limitExceeded {
            throw ImportError("\(error.message): the package is larger than the import allows "
                              + "(\(ByteSize.describe(limits.maximumUnpackedBytes)) unpacked, octobus serve --import-max-unpacked-bytes)")
        } catch {
            throw ImportError("\(error)")
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

/// Shared between a watched tool run and its watchdog.
private final class DiskWatch: Sendable {
    /// The running tool, once it started (set by the tool's task, read by the watchdog).
    let tool = Mutex<ToolRunner.Handle?>(nil)
    /// The disk use that made the watchdog kill the tool (set by the watchdog).
    let usedOverLimit = Mutex<Int?>(nil)
}

/// What finished first in ``ImportEnvironment``'s disk watch: the tool, or the watchdog.
private enum WatchedToolOutcome<T: Sendable>: Sendable {
    case tool(T)
    case watchdogStopped
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
