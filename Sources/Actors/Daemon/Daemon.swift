import Glibc
import Protocols
public import Runtime
import Synchronization

/// How to run the daemon (`octobus serve`).
public struct DaemonConfiguration: Sendable {
    public var address: HostPort
    public var dataDirectory: String
    public var loopCount: Int = EventLoopGroup.defaultLoopCount
    public var http = HTTPServerConfiguration()
    /// Limits of the gRPC proxy and the other gateway protocols.
    public var gateway = GatewayConfiguration()
    /// Open connections at most (nil: 10,000, lowered to fit the open-file limit, which also
    /// has to cover instance pipes, log files, SQLite and upstream connections).
    public var maximumConnections: Int?
    /// How long in-flight requests may take to finish on shutdown.
    public var shutdownGraceMilliseconds: UInt64 = 10_000
    /// Unpacked-size and disk bounds per import.
    public var importLimits = ImportLimits()
    /// `octobus serve --sdk-dir`: the SDK imports provide (else `$OCTOBUS_SDK_DIR`, else found beside the binary).
    public var sdkDirectory: String?

    public init(address: HostPort, dataDirectory: String) {
        self.address = address
        self.dataDirectory = dataDirectory
    }
}

/// Assembles the daemon: data directory and lock, store, event loops, listener, admin API;
/// runs until SIGINT/SIGTERM, then shuts down in reverse order (stop accepting, drain,
/// close the store) and returns the exit code.
public enum Daemon {
    public static func run(_ configuration: DaemonConfiguration, logger: Logger = Logger()) async -> Int32 {
        ServerProcess.prepare()
        var configuration = configuration
        configuration.http.maximumConnections = configuration.maximumConnections
            ?? max(64, min(10_000, ServerProcess.openFileLimit - 1_024))
        configuration.http.reservedConnections = min(configuration.http.reservedConnections, configuration.http.maximumConnections / 4)
        // The reserved slots keep the operator's way in: the admin API.
        configuration.http.reservedPathPrefix = AdminRouter.prefix + "/"

        let dataDirectory: DataDirectory
        let store: StoreActor
        do {
            dataDirectory = try DataDirectory(path: configuration.dataDirectory)
            store = try StoreActor(path: dataDirectory.path + "/octobus.db")
        } catch let error as DataDirectoryError {
            logger.error("daemon_start_failed", ["error": error.description])
            return 1
        } catch {
            logger.error("daemon_start_failed", ["error": "\(error)"])
            return 1
        }

        let state = DaemonState()
        do {
            state.serviceCount.store(try await store.serviceCount(), ordering: .relaxed)
            state.setAdminTokens(TokenSet(records: try await store.tokens(.admin)))
        } catch {
            logger.error("daemon_start_failed", ["error": error.description])
            await store.close()
            return 1
        }

        let group = EventLoopGroup(count: configuration.loopCount)
        // Signals are watched before the daemon announces itself, so a SIGTERM sent right
        // after `daemon_listening` is always a graceful stop.
        let termination = TerminationSignal(loop: group.loops[0], logger: logger)
        let environment = ProcessEnvironment.current()
        let paths = InstancePaths(dataDirectory: dataDirectory.path)
        // The gateway: per-loop routing tables and upstream pools, fed by the publisher.
        let gatewayLoops = await GatewayLoops(group: group, logger: logger)
        let routing = RoutingPublisher(store: store, loops: gatewayLoops, pool: .shared, logger: logger)
        var supervisorContext = SupervisorContext(store: store, paths: paths, logger: logger, baseEnvironment: environment, pool: .shared)
        supervisorContext.routing = routing
        let supervisor = InstanceSupervisor(context: supervisorContext, group: group)
        let capsets = CapsetDirectory(store: store, publisher: routing)
        await routing.loadInstancesAndServices()
        do {
            try await capsets.load()
        } catch {
            logger.error("daemon_start_failed", ["error": "load capsets: \(error.message)"])
            await store.close()
            group.shutdown()
            return 1
        }
        var importEnvironment = ImportEnvironment(servicesDirectory: paths.servicesDirectory, loop: group.loops[0], pool: .shared,
                                                  logger: logger, toolEnvironment: environment)
        importEnvironment.limits = configuration.importLimits
        importEnvironment.bundledSDK = BundledSDK.locate(environment: environment, executable: FileSystem.realPath("/proc/self/exe"),
                                                         configured: configuration.sdkDirectory)
        if let directory = configuration.sdkDirectory ?? environment["OCTOBUS_SDK_DIR"], !directory.isEmpty,
           importEnvironment.bundledSDK == nil {
            logger.warning("bundled_sdk_missing", ["dir": directory, "error": "not the @chaitin-ai/octobus-sdk package"])
        }
        let imports = ImportActor(environment: importEnvironment, store: store, state: state, restarter: supervisor)
        let api = AdminAPI(state: state, store: store, imports: imports, supervisor: supervisor,
                           instances: InstanceOperations(store: store, supervisor: supervisor, pool: .shared, logger: logger,
                                                         routing: routing, capsets: capsets),
                           capsets: capsets, routing: routing, accessLogPath: dataDirectory.accessLogPath, logger: logger)
        do {
            try FileSystem.createDirectories(paths.servicesDirectory, mode: 0o755)
            try FileSystem.createDirectories(paths.instancesDirectory, mode: 0o700)
        } catch {
            logger.error("daemon_start_failed", ["error": "\(error)"])
            await store.close()
            group.shutdown()
            return 1
        }
        // What a daemon killed mid-import left behind, before this one can start an import.
        let recovery = await StagingRecovery.run(servicesDirectory: paths.servicesDirectory, store: store, pool: .shared)
        if recovery != StagingRecovery.Report() {
            logger.warning("import_leftovers_cleaned", [
                "killed_process_groups": recovery.killedGroups.map(String.init).joined(separator: ","),
                "removed": recovery.removed.joined(separator: ","), "restored": recovery.restored.joined(separator: ","),
            ])
        }
        let accessLog = AccessLog(path: dataDirectory.accessLogPath, logger: logger)
        let gatewayLog = GatewayAccessLogger(log: accessLog)
        let onDemand = OnDemandGateway(context: supervisorContext, configuration: configuration.gateway)
        let responder = GatewayResponder(
            admin: AdminRouter(routes: api.routes, access: AdminAccessPolicy(state: state, listenHost: configuration.address.host)),
            grpc: GRPCGateway(loops: gatewayLoops, configuration: configuration.gateway, log: gatewayLog, onDemand: onDemand,
                              tokenUsage: state.tokenUsage),
            connect: ConnectGateway(loops: gatewayLoops, configuration: configuration.gateway, log: gatewayLog, onDemand: onDemand,
                                    tokenUsage: state.tokenUsage),
            mcp: MCPGateway(loops: gatewayLoops, configuration: configuration.gateway, log: gatewayLog, onDemand: onDemand,
                            tokenUsage: state.tokenUsage),
            openAPI: OpenAPIGateway(loops: gatewayLoops, log: gatewayLog, tokenUsage: state.tokenUsage),
            browsers: BrowserRequestPolicy(listenHost: configuration.address.host), log: gatewayLog)
        let access = AdminAccessPolicy(state: state, listenHost: configuration.address.host)
        let listener = ListenerActor(group: group)
        let bound: HostPort
        do {
            bound = try await listener.start(address: configuration.address, configuration: configuration.http,
                                             responder: responder, logger: logger)
        } catch {
            logger.error("daemon_start_failed", ["error": error.description])
            await store.close()
            group.shutdown()
            return 1
        }
        logger.info("daemon_listening", ["addr": bound.description, "data_dir": dataDirectory.path,
                                         "loops": String(group.loops.count), "pid": String(getpid()),
                                         "malloc": AllocatorTuning.state.rawValue, "sdk": importEnvironment.bundledSDK ?? "none"])

        if !access.listensOnLoopback {
            logger.warning("admin_api_exposed", [
                "addr": bound.description,
                "admin_tokens": String(state.adminTokens.count),
                "note": state.adminTokens.isEmpty
                    ? "listening beyond loopback; the admin API answers only loopback clients until an admin token exists"
                    : "listening beyond loopback; admin requests need an admin token",
            ])
        }

        // Enabled instances come back while the port already answers (status, imports).
        let restore = Task { await supervisor.restore() }
        // last_used_at of tokens, written once a second off the request path.
        let tokenUsage = Task { await state.tokenUsage.run(store: store, logger: logger) }
        // After a burst (or an attack) RSS returns near its idle level.
        let memory = Task { await Self.releaseMemoryWhenQuiet(listener: listener) }

        let signal = await termination.wait()
        logger.info("daemon_stopping", ["signal": signal == SIGINT ? "SIGINT" : "SIGTERM"])
        state.beginShutdown()
        await listener.stop(gracePeriodMilliseconds: configuration.shutdownGraceMilliseconds)
        await restore.value
        await supervisor.shutdown()
        tokenUsage.cancel()
        memory.cancel()
        await tokenUsage.value
        await memory.value
        accessLog.close()
        await store.close()
        group.shutdown()
        logger.info("daemon_stopped", [:])
        withExtendedLifetime(dataDirectory) {}
        return 0
    }
}

extension Daemon {
    /// Every few seconds while no request is in progress, gives freed heap memory back to the
    /// kernel (on the blocking pool, never on a loop).
    static func releaseMemoryWhenQuiet(listener: ListenerActor) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            guard !Task.isCancelled, await listener.pendingRequests == 0 else { continue }
            await BlockingPool.shared.run { ServerProcess.releaseFreeMemory() }
        }
    }
}

/// Waits for SIGINT or SIGTERM. The first signal starts a graceful shutdown; a second one
/// during shutdown exits at once (the user insisted).
private final class TerminationSignal: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Int32, Never>?)
        case received(Int32)
    }
    private let state = Mutex<State>(.waiting(nil))

    init(loop: EventLoop, logger: Logger) {
        loop.execute { [self] in
            let handler: (Int32) -> Void = { signum in
                let continuation: CheckedContinuation<Int32, Never>?? = self.state.withLock { state in
                    switch state {
                    case .waiting(let continuation):
                        state = .received(signum)
                        return .some(continuation)
                    case .received:
                        return .none
                    }
                }
                guard let first = continuation else {
                    logger.warning("daemon_forced_exit", ["signal": String(signum)])
                    _exit(1)
                }
                first?.resume(returning: signum)
            }
            _ = SignalWatcher(loop: loop, signal: SIGINT, handler)
            _ = SignalWatcher(loop: loop, signal: SIGTERM, handler)
        }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let already: Int32? = state.withLock { state in
                switch state {
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                case .received(let signum):
                    return signum
                }
            }
            if let already { continuation.resume(returning: already) }
        }
    }
}
