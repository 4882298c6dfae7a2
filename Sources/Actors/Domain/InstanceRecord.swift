import Protocols
import Runtime

/// An instance as stored and returned by the admin API (SPEC §6 Instance). The secret
/// itself is never part of this value's JSON.
public struct InstanceRecord: Sendable, Equatable {
    public var id: String
    public var serviceID: String
    public var name: String
    public var enabled: Bool = false
    public var status: InstanceStatus = .stopped
    public var pid: Int32?
    /// Kernel start time of `pid` (clock ticks since boot): tells our process from a recycled pid.
    public var processStartTicks: Int64?
    public var listenAddress: String = ""
    public var nodeEntry: String = ""
    /// The raw config JSON text.
    public var configJSON: String = "{}"
    public var configSHA256: String = ""
    public var secretSHA256: String = ""
    public var hasSecret: Bool = false
    public var lastError: String = ""
    public var restartCount: Int = 0
    public var createdAt: String = ""
    public var updatedAt: String = ""

    public init(id: String, serviceID: String, name: String) {
        self.id = id
        self.serviceID = serviceID
        self.name = name
    }

    /// The admin API shape. `PID` is omitted when there is no process; `LastError` when empty.
    public var json: JSONValue {
        var object: JSONObject = [
            "ID": .string(id), "ServiceID": .string(serviceID), "Name": .string(name),
            "Enabled": .bool(enabled), "Status": .string(status.rawValue),
        ]
        if let pid { object["PID"] = .int(pid) }
        object["ListenAddr"] = .string(listenAddress)
        object["NodeEntry"] = .string(nodeEntry)
        object["ConfigJSON"] = (try? JSONParser.parse(configJSON)) ?? .object([:])
        object["ConfigSHA256"] = .string(configSHA256)
        object["SecretSHA256"] = .string(secretSHA256)
        object["HasSecret"] = .bool(hasSecret)
        if !lastError.isEmpty { object["LastError"] = .string(lastError) }
        object["Restarts"] = .int(restartCount)
        object["CreatedAt"] = .string(createdAt)
        object["UpdatedAt"] = .string(updatedAt)
        return .object(object)
    }
}
