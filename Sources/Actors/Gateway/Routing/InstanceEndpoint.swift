import Runtime

/// Where and whether an instance answers calls, as the data path needs it. Published to the
/// routing table whenever the instance's recorded state changes.
public struct InstanceEndpoint: Sendable, Equatable {
    public var instanceID: String
    public var serviceID: String
    public var mode: RuntimeMode
    public var status: InstanceStatus
    public var enabled: Bool
    /// `127.0.0.1:<port>` of a long-running instance (empty otherwise).
    public var listenAddress: String
    /// The process serving it; a restart changes it, which retires upstream connections.
    public var pid: Int32?
    /// Host and port of a long-running instance's server (nil without a valid address).
    public var address: HostPort?

    init(_ record: InstanceRecord, mode: RuntimeMode) {
        instanceID = record.id
        serviceID = record.serviceID
        self.mode = mode
        status = record.status
        enabled = record.enabled
        listenAddress = record.listenAddress
        pid = record.pid
        address = record.listenAddress.isEmpty ? nil : try? HostPort(parsing: record.listenAddress)
    }

    /// Calls can be sent to it now: a long-running instance that passed its health check and
    /// has an address, or an enabled on-demand instance marked running.
    public var isCallable: Bool {
        switch mode {
        case .onDemand: enabled && status == .running
        case .longRunning: status == .running && address != nil
        }
    }

    /// Identifies one process generation at one address (upstream pools key connections by it).
    public var connectionKey: String { "\(instanceID)@\(listenAddress)#\(pid ?? 0)" }
}
