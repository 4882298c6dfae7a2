import Glibc
import Protocols
import Runtime

/// The outcome of one on-demand call: response bytes or a gRPC status.
public enum InvokeResult: Sendable, Equatable {
    case success([UInt8])
    case failure(GRPCStatusCode, String)
}

/// Bounds concurrent on-demand processes: each is a Node.js process (~40 MB, ~100 ms of
/// CPU to start), so a burst of calls must queue rather than fork-bomb the host.
actor InvokeLimiter {
    private let maximumConcurrent: Int
    private let maximumQueued: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// 8 concurrent processes keep a 2-core machine busy; 256 queued calls bound memory.
    static let shared = InvokeLimiter(maximumConcurrent: 8, maximumQueued: 256)

    init(maximumConcurrent: Int, maximumQueued: Int) {
        self.maximumConcurrent = maximumConcurrent
        self.maximumQueued = maximumQueued
    }

    /// Waits for a slot; false when the queue is full.
    func acquire() async -> Bool {
        if running < maximumConcurrent {
            running += 1
            return true
        }
        guard waiting.count < maximumQueued else { return false }
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// Runs one unary call as `<entry> --runtime invoke …` (SPEC §5.2): request bytes on stdin,
/// response bytes on stdout, errors as the last `OCTOBUS_ERROR:{…}` line of stderr.
enum OnDemandInvoker {
    static let timeoutMilliseconds: UInt64 = 30_000
    /// Responses above this are refused (matches the gRPC default receive limit × 16).
    static let maximumResponseBytes = 64 << 20

    static func invoke(
        context: SupervisorContext, loop: EventLoop, limiter: InvokeLimiter = .shared,
        instance: InstanceRecord, service: ServiceRecord, method: String, request: [UInt8],
        metadata: [(String, String)], descriptors: DescriptorSet?, timeoutMilliseconds: UInt64 = timeoutMilliseconds
    ) async -> InvokeResult {
        guard instance.enabled, instance.status == .running else {
            return .failure(.unavailable, "backend instance is not running")
        }
        guard await limiter.acquire() else {
            return .failure(.resourceExhausted, "too many on-demand calls are queued; retry later")
        }
        defer { Task { await limiter.release() } }

        let secret = ((try? await context.store.instanceSecret(id: instance.id)) ?? nil) ?? "{}"
        let launch = InstanceLaunch(paths: context.paths, service: service, instance: instance, baseEnvironment: context.baseEnvironment)
        let tmpRoot = launch.workdir + "/tmp"
        let invokeDir = tmpRoot + "/invoke-\(UInt64.random(in: 0...UInt64.max))"
        let metadataJSON = Self.metadataJSON(metadata)
        let prepared: Result<Void, AdminError> = await context.pool.run {
            do {
                guard FileSystem.isRegularFile(launch.entry) else {
                    return .failure(AdminError.internalError("instance entry \(launch.entry) is missing"))
                }
                try launch.prepareWorkdir()
                // config.json is written on create and update-config (by the instance's actor);
                // a call only restores it if something removed it.
                let configFile = context.paths.configFile(instance.id)
                if !FileSystem.exists(configFile) {
                    try FileSystem.writeFile(configFile, Array(instance.configJSON.utf8), mode: 0o600)
                }
                try FileSystem.createDirectories(invokeDir, mode: 0o700)
                try FileSystem.writeFile(invokeDir + "/metadata.json", metadataJSON, mode: 0o600)
                return .success(())
            } catch {
                return .failure(AdminError.internalError("\(error)"))
            }
        }
        defer {
            let pool = context.pool
            Task { _ = await pool.run { try? FileSystem.removeTree(invokeDir) } }
        }
        if case .failure(let error) = prepared {
            return .failure(.unavailable, "cannot start on-demand invoke: \(error.message)")
        }

        let options = launch.invokeOptions(method: method, metadataFile: invokeDir + "/metadata.json", request: request, secret: secret)
        let result: ToolRunner.Result
        do {
            result = try await ToolRunner.run(options, on: loop, timeoutMilliseconds: timeoutMilliseconds,
                                              maximumOutputBytes: maximumResponseBytes)
        } catch {
            return .failure(.unavailable, "cannot start on-demand invoke: \(error.reason)")
        }
        if result.timedOut { return .failure(.deadlineExceeded, "on-demand invoke timed out") }
        if result.exit.succeeded {
            if result.truncated { return .failure(.resourceExhausted, "on-demand response exceeds \(maximumResponseBytes) bytes") }
            if let descriptors, let methodDescriptor = descriptors.method(path: method),
               let output = descriptors.message(fullName: methodDescriptor.outputType) {
                do {
                    try ProtobufCodec.validate(result.stdout, message: output, in: descriptors)
                } catch {
                    return .failure(.internal, "on-demand response is not valid protobuf: \(error)")
                }
            }
            return .success(result.stdout)
        }
        return parseFailure(stderr: result.stderrText, exit: result.exit)
    }

    /// `{"<key>":["v",…]}` of the forwarded metadata.
    static func metadataJSON(_ metadata: [(String, String)]) -> [UInt8] {
        var object = JSONObject()
        for (key, value) in metadata {
            var values = object[key]?.arrayValue ?? []
            values.append(.string(value))
            object[key] = .array(values)
        }
        return JSONWriter().bytes(.object(object))
    }

    /// The last non-empty stderr line `OCTOBUS_ERROR:{"code":"NAME","message":"…"}` gives the
    /// status; anything else is INTERNAL with the trimmed stderr.
    static func parseFailure(stderr: String, exit: ProcessExit) -> InvokeResult {
        let lines = stderr.split(separator: "\n").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        if let last = lines.last, last.hasPrefix("OCTOBUS_ERROR:"),
           let json = try? JSONParser.parse(String(last.dropFirst("OCTOBUS_ERROR:".count))),
           let name = json["code"]?.stringValue, let code = GRPCStatusCode(name: name) {
            let message = json["message"]?.stringValue ?? ""
            // A failing process that claims OK is still a failure (SPEC §13.13 quirk avoided).
            if code == .ok { return .failure(.internal, message.isEmpty ? "on-demand invoke failed (\(exit))" : message) }
            return .failure(code, message)
        }
        let text = lines.suffix(20).joined(separator: "\n")
        return .failure(.internal, text.isEmpty ? "on-demand invoke failed (\(exit))" : String(text.prefix(4096)))
    }
}
