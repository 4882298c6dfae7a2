import Runtime

/// What every instance actor shares.
struct SupervisorContext: Sendable {
    let store: StoreActor
    let paths: InstancePaths
    let logger: Logger
    /// Inherited by children (SPEC §5.1 step 4: daemon env plus OCTOBUS_* variables).
    let baseEnvironment: [String: String]
    let pool: BlockingPool
    /// Restart timing (real time in the daemon, a manual clock in tests).
    var clock: any SupervisionClock = LoopClock()
    /// Told about every recorded state change, so the gateway routes to the live process.
    var routing: RoutingPublisher?

    /// Health check budget (SPEC §5.1 step 8).
    static let healthDeadlineMilliseconds: UInt64 = 5_000
    static let healthAttemptMilliseconds: UInt64 = 500
    static let healthPauseMilliseconds: UInt64 = 100
    /// Stop: SIGINT, then SIGKILL after this long, then give up waiting after as long again.
    static let stopGraceMilliseconds: UInt64 = 2_000
}
