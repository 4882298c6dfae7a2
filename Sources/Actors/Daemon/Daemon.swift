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
        let admin = AdminRouter(routes: AdminAPI.routes(state: state), authorizer: AdminTokenAuthorizer(state: state))
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
                                         "loops": String(group.loops.count), "pid": String(getpid())])

        let signal = await waitForTerminationSignal(loop: group.loops[0], logger: logger)
        logger.info("daemon_stopping", ["signal": signal == SIGINT ? "SIGINT" : "SIGTERM"])
        await listener.stop(gracePeriodMilliseconds: configuration.shutdownGraceMilliseconds)
        await store.close()
        group.shutdown()
        logger.info("daemon_stopped", [:])
        withExtendedLifetime(dataDirectory) {}
        return 0
    }

    /// Suspends until SIGINT or SIGTERM. A second signal during shutdown exits at once.
    private static func waitForTerminationSignal(loop: EventLoop, logger: Logger) async -> Int32 {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            loop.execute {
                let received = SignalCounter()
                let handler: (Int32) -> Void = { signum in
                    if received.increment() == 1 {
                        continuation.resume(returning: signum)
                    } else {
                        logger.warning("daemon_forced_exit", ["signal": String(signum)])
                        _exit(1)
                    }
                }
                _ = SignalWatcher(loop: loop, signal: SIGINT, handler)
                _ = SignalWatcher(loop: loop, signal: SIGTERM, handler)
            }
        }
    }
}

/// Counts termination signals (first: graceful, second: immediate).
private final class SignalCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() -> Int { count.wrappingAdd(1, ordering: .relaxed).newValue }
}
