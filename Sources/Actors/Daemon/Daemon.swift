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
    /// How long in-flight requests may take to finish on shutdown.
    public var shutdownGraceMilliseconds: UInt64 = 10_000
    /// Unpacked-size and disk bounds per import.
    public var importLimits = ImportLimits()

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
        let supervisor = InstanceSupervisor(
            context: SupervisorContext(store: store, paths: paths, logger: logger, baseEnvironment: environment, pool: .shared),
            group: group)
        var importEnvironment = ImportEnvironment(servicesDirectory: paths.servicesDirectory, loop: group.loops[0], pool: .shared,
                                                  logger: logger, toolEnvironment: environment)
        importEnvironment.limits = configuration.importLimits
        importEnvironment.bundledSDK = BundledSDK.locate(environment: environment, executable: FileSystem.realPath("/proc/self/exe"))
        let imports = ImportActor(environment: importEnvironment, store: store, state: state, restarter: supervisor)
        let api = AdminAPI(state: state, store: store, imports: imports, supervisor: supervisor,
                           instances: InstanceOperations(store: store, supervisor: supervisor, pool: .shared, logger: logger),
                           logger: logger)
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
        let admin = AdminRouter(routes: api.routes, authorizer: AdminTokenAuthorizer(state: state))
        let listener = ListenerActor(group: group)
        let bound: HostPort
        do {
            bound = try await listener.start(address: configuration.address, configuration: configuration.http,
                                             responder: GatewayResponder(admin: admin), logger: logger)
        } catch {
            logger.error("daemon_start_failed", ["error": error.description])
            await store.close()
            group.shutdown()
            return 1
        }
        logger.info("daemon_listening", ["addr": bound.description, "data_dir": dataDirectory.path,
                                         "loops": String(group.loops.count), "pid": String(getpid()),
                                         "malloc": AllocatorTuning.state.rawValue])

        // Enabled instances come back while the port already answers (status, imports).
        let restore = Task { await supervisor.restore() }

        let signal = await termination.wait()
        logger.info("daemon_stopping", ["signal": signal == SIGINT ? "SIGINT" : "SIGTERM"])
        await listener.stop(gracePeriodMilliseconds: configuration.shutdownGraceMilliseconds)
        await restore.value
        await supervisor.shutdown()
        await store.close()
        group.shutdown()
        logger.info("daemon_stopped", [:])
        withExtendedLifetime(dataDirectory) {}
        return 0
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
