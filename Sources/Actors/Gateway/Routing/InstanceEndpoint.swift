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
    /// Identifies one process generation at one address (upstream pools key connections by
    /// it); computed once here, not per call.
    public var connectionKey: String
    /// `host:port` for the upstream `:authority`.
    public var authority: String

    init(_ record: InstanceRecord, mode: RuntimeMode) {
        instanceID = record.id
        serviceID = record.serviceID
        self.mode = mode
        status = record.status
        enabled = record.enabled
        listenAddress = record.listenAddress
        pid = record.pid
        address = record.listenAddress.isEmpty ? nil : try? HostPort(parsing: record.listenAddress)
        connectionKey = "\(record.id)@\(record.listenAddress)#\(record.pid ?? 0)"
        authority = address?.description ?? ""
    }

    /// Calls can be sent to it now: a long-running instance that passed its health check and
    /// has an address, or an enabled on-demand instance marked running.
    public var isCallable: Bool {
        switch mode {
        case .onDemand: enabled && status == .running
        case .longRunning: status == .running && address != nil
        }
    }
}
