/// How a service's instances run (SPEC §1).
public enum RuntimeMode: String, Sendable {
    /// A resident gRPC server per instance, supervised.
    case longRunning = "long-running"
    /// One `--runtime invoke` process per unary call.
    case onDemand = "on-demand"
}

/// An instance's lifecycle status (SPEC §1).
public enum InstanceStatus: String, Sendable {
    case starting, running, degraded, stopped, failed
}
