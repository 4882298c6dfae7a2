import Protocols
import Runtime

/// Runtime state the supervisor writes after each transition.
public struct InstanceRuntimeState: Sendable {
    public var enabled: Bool?
    public var status: InstanceStatus
    public var pid: Int32?
    public var processStartTicks: Int64?
    public var listenAddress: String?
    public var lastError: String?
    public var restartCount: Int?

    public init(enabled: Bool? = nil, status: InstanceStatus, pid: Int32? = nil, processStartTicks: Int64? = nil,
                listenAddress: String? = nil, lastError: String? = nil, restartCount: Int? = nil) {
        self.enabled = enabled
        self.status = status
        self.pid = pid
        self.processStartTicks = processStartTicks
        self.listenAddress = listenAddress
        self.lastError = lastError
        self.restartCount = restartCount
    }
}

extension StoreActor {
    private static let instanceColumns = """
        id, service_id, name, enabled, status, pid, process_start_ticks, listen_addr, node_entry, config_json,
        config_sha256, secret_sha256, last_error, restart_count, created_at, updated_at,
        (secret_json != '' AND secret_json != '{}') AS has_secret
        """

    public func instances(serviceID: String? = nil) throws(StoreError) -> [InstanceRecord] {
        try wrap {
            if let serviceID {
                return try database.query("SELECT \(Self.instanceColumns) FROM instances WHERE service_id = ? ORDER BY id", [serviceID]).map(Self.instance(from:))
            }
            return try database.query("SELECT \(Self.instanceColumns) FROM instances ORDER BY id").map(Self.instance(from:))
        }
    }

    public func instance(id: String) throws(StoreError) -> InstanceRecord? {
        try wrap { try database.query("SELECT \(Self.instanceColumns) FROM instances WHERE id = ?", [id]).first.map(Self.instance(from:)) }
    }

    /// The instance's secret JSON (only for handing to its process; never returned by the API).
    public func instanceSecret(id: String) throws(StoreError) -> String? {
        try wrap { try database.query("SELECT secret_json FROM instances WHERE id = ?", [id]).first?.string("secret_json") }
    }

    /// Inserts a new instance; false if the id exists. The secret's digest is computed here,
    /// under the store's key (`record.secretSHA256` is ignored).
    public func insertInstance(_ record: InstanceRecord, secretJSON: String) throws(StoreError) -> Bool {
        let now = Timestamp.now().rfc3339Nano
        do {
            try wrap {
                try database.run("""
                    INSERT INTO instances (id, service_id, name, enabled, status, listen_addr, node_entry, config_json, config_sha256,
                      secret_json, secret_sha256, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
                    """, [record.id, record.serviceID, record.name, record.enabled, record.status.rawValue, record.listenAddress,
                          record.nodeEntry, record.configJSON, record.configSHA256, secretJSON, secretDigest(secretJSON), now, now])
            }
        } catch {
            if case .database(let sqlite) = error, sqlite.isConstraintViolation { return false }
            throw error
        }
        return true
    }

    public func renameInstance(id: String, name: String) throws(StoreError) -> InstanceRecord? {
        try wrap { try database.run("UPDATE instances SET name = ?, updated_at = ? WHERE id = ?", [name, Timestamp.now().rfc3339Nano, id]) }
        return try instance(id: id)
    }

    public func updateInstanceConfig(id: String, configJSON: String, sha256: String) throws(StoreError) -> InstanceRecord? {
        try wrap {
            try database.run("UPDATE instances SET config_json = ?, config_sha256 = ?, updated_at = ? WHERE id = ?",
                             [configJSON, sha256, Timestamp.now().rfc3339Nano, id])
        }
        return try instance(id: id)
    }

    public func updateInstanceSecret(id: String, secretJSON: String) throws(StoreError) -> InstanceRecord? {
        try wrap {
            try database.run("UPDATE instances SET secret_json = ?, secret_sha256 = ?, updated_at = ? WHERE id = ?",
                             [secretJSON, secretDigest(secretJSON), Timestamp.now().rfc3339Nano, id])
        }
        scrubWriteAheadLog()
        return try instance(id: id)
    }

    /// Writes runtime state; nil fields of `state` keep their value, except that `pid` and
    /// `processStartTicks` are always written (nil clears them).
    public func setInstanceState(id: String, _ state: InstanceRuntimeState) throws(StoreError) {
        var sets = ["status = ?", "pid = ?", "process_start_ticks = ?", "updated_at = ?"]
        var values: [any SQLiteBindable] = [state.status.rawValue, state.pid.map { Int64($0) }, state.processStartTicks,
                                            Timestamp.now().rfc3339Nano]
        if let enabled = state.enabled { sets.append("enabled = ?"); values.append(enabled) }
        if let address = state.listenAddress { sets.append("listen_addr = ?"); values.append(address) }
        if let error = state.lastError { sets.append("last_error = ?"); values.append(error) }
        if let restarts = state.restartCount { sets.append("restart_count = ?"); values.append(restarts) }
        values.append(id)
        try wrap { try database.run("UPDATE instances SET \(sets.joined(separator: ", ")) WHERE id = ?", values) }
    }

    /// Deletes an instance and (by foreign-key cascade) its capset bindings.
    public func deleteInstance(id: String) throws(StoreError) -> Bool {
        let deleted = try wrap { try database.run("DELETE FROM instances WHERE id = ?", [id]) > 0 }
        if deleted { scrubWriteAheadLog() }
        return deleted
    }

    static func instance(from row: SQLiteRow) -> InstanceRecord {
        var record = InstanceRecord(id: row.string("id"), serviceID: row.string("service_id"), name: row.string("name"))
        record.enabled = row.bool("enabled")
        record.status = InstanceStatus(rawValue: row.string("status")) ?? .stopped
        record.pid = row.int("pid").map { Int32($0) }
        record.processStartTicks = row.int("process_start_ticks")
        record.listenAddress = row.string("listen_addr")
        record.nodeEntry = row.string("node_entry")
        record.configJSON = row.string("config_json")
        record.configSHA256 = row.string("config_sha256")
        record.secretSHA256 = row.string("secret_sha256")
        record.hasSecret = row.bool("has_secret")
        record.lastError = row.string("last_error")
        record.restartCount = Int(row.int("restart_count") ?? 0)
        record.createdAt = row.string("created_at")
        record.updatedAt = row.string("updated_at")
        return record
    }
}
