import Protocols
import Runtime

/// Why a binding could not be stored.
public enum CapsetBindingOutcome: Sendable, Equatable {
    case stored
    /// The capset (or, for a method, its instance binding) does not exist.
    case missing
    /// The instance is already bound into the capset.
    case alreadyBound
    /// A unary method of the capset already exposes this MCP tool name.
    case toolConflict(String)
}

/// Capsets, their instance bindings and method bindings (SPEC §1, §6). Changes that must be
/// atomic — a binding with all its methods, a tool-name check with the insert it guards — run
/// in one transaction here, on the store's single connection.
extension StoreActor {
    private static let capsetColumns = "id, name, description, enabled, created_at, updated_at"

    public func capsets() throws(StoreError) -> [CapsetRecord] {
        try wrap { try database.query("SELECT \(Self.capsetColumns) FROM capsets ORDER BY id").map(Self.capset(from:)) }
    }

    public func capset(id: String) throws(StoreError) -> CapsetRecord? {
        try wrap { try database.query("SELECT \(Self.capsetColumns) FROM capsets WHERE id = ?", [id]).first.map(Self.capset(from:)) }
    }

    /// Inserts a capset; nil if the id exists.
    public func insertCapset(_ record: CapsetRecord) throws(StoreError) -> CapsetRecord? {
        let now = Timestamp.now().rfc3339Nano
        do {
            try wrap {
                try database.run("INSERT INTO capsets (id, name, description, enabled, created_at, updated_at) VALUES (?,?,?,?,?,?)",
                                 [record.id, record.name, record.description, record.enabled, now, now])
            }
        } catch {
            if case .database(let sqlite) = error, sqlite.isConstraintViolation { return nil }
            throw error
        }
        return try capset(id: record.id)
    }

    /// Changes the given fields; nil if the capset does not exist.
    public func updateCapset(id: String, name: String?, description: String?, enabled: Bool?) throws(StoreError) -> CapsetRecord? {
        var sets = ["updated_at = ?"]
        var values: [any SQLiteBindable] = [Timestamp.now().rfc3339Nano]
        if let name { sets.append("name = ?"); values.append(name) }
        if let description { sets.append("description = ?"); values.append(description) }
        if let enabled { sets.append("enabled = ?"); values.append(enabled) }
        values.append(id)
        let changed = try wrap { try database.run("UPDATE capsets SET \(sets.joined(separator: ", ")) WHERE id = ?", values) }
        return changed > 0 ? try capset(id: id) : nil
    }

    /// Deletes a capset with its bindings and tokens (foreign-key cascade).
    public func deleteCapset(id: String) throws(StoreError) -> Bool {
        try wrap { try database.run("DELETE FROM capsets WHERE id = ?", [id]) > 0 }
    }

    // MARK: Bindings

    public func capsetInstances(capsetID: String? = nil) throws(StoreError) -> [CapsetInstanceRecord] {
        let filter = capsetID == nil ? "" : "WHERE capset_id = ?"
        return try wrap {
            try database.query("""
                SELECT capset_id, instance_id, service_id, alias, include_all_methods, enabled, created_at, updated_at
                FROM capset_instances \(filter) ORDER BY capset_id, instance_id
                """, capsetID.map { [$0] } ?? []).map(Self.binding(from:))
        }
    }

    public func capsetMethods(capsetID: String? = nil) throws(StoreError) -> [CapsetMethodRecord] {
        let filter = capsetID == nil ? "" : "WHERE ci.capset_id = ?"
        return try wrap {
            try database.query("""
                SELECT ci.capset_id, ci.instance_id, cm.method_full_name, cm.rest_alias, cm.mcp_tool_name, cm.enabled,
                       cm.created_at, cm.updated_at
                FROM capset_methods cm JOIN capset_instances ci ON ci.id = cm.capset_instance_id
                \(filter) ORDER BY ci.capset_id, ci.instance_id, cm.method_full_name
                """, capsetID.map { [$0] } ?? []).map(Self.method(from:))
        }
    }

    /// Binds an instance and the given methods in one transaction: nothing is written when the
    /// capset is missing, the instance is bound already, or a tool name conflicts.
    public func bindInstance(_ binding: CapsetInstanceRecord, methods: [CapsetMethodRecord]) throws(StoreError) -> CapsetBindingOutcome {
        let now = Timestamp.now().rfc3339Nano
        return try wrap {
            try database.transaction { () throws -> CapsetBindingOutcome in
                guard try database.query("SELECT 1 FROM capsets WHERE id = ?", [binding.capsetID]).first != nil else { return .missing }
                if try database.query("SELECT 1 FROM capset_instances WHERE id = ?", [binding.id]).first != nil { return .alreadyBound }
                var taken = try toolNames(capsetID: binding.capsetID, excluding: nil)
                for method in methods where !method.mcpToolName.isEmpty {
                    if taken.contains(method.mcpToolName) { return .toolConflict(method.mcpToolName) }
                    taken.insert(method.mcpToolName)
                }
                try database.run("""
                    INSERT INTO capset_instances (id, capset_id, service_id, instance_id, alias, include_all_methods, enabled, created_at, updated_at)
                    VALUES (?,?,?,?,?,?,?,?,?)
                    """, [binding.id, binding.capsetID, binding.serviceID, binding.instanceID, binding.alias,
                          binding.includeAllMethods, binding.enabled, now, now])
                for method in methods { try insertMethod(method, now: now) }
                return .stored
            }
        }
    }

    public func unbindInstance(capsetID: String, instanceID: String) throws(StoreError) -> Bool {
        try wrap { try database.run("DELETE FROM capset_instances WHERE capset_id = ? AND instance_id = ?", [capsetID, instanceID]) > 0 }
    }

    /// Exposes one method (or changes the tool name of an exposed one), after the tool-name check.
    public func selectMethod(_ method: CapsetMethodRecord) throws(StoreError) -> CapsetBindingOutcome {
        let now = Timestamp.now().rfc3339Nano
        return try wrap {
            try database.transaction { () throws -> CapsetBindingOutcome in
                guard try database.query("SELECT 1 FROM capset_instances WHERE id = ?", [method.capsetInstanceID]).first != nil else {
                    return .missing
                }
                if !method.mcpToolName.isEmpty,
                   try toolNames(capsetID: method.capsetID, excluding: method.id).contains(method.mcpToolName) {
                    return .toolConflict(method.mcpToolName)
                }
                let updated = try database.run("UPDATE capset_methods SET mcp_tool_name = ?, enabled = 1, updated_at = ? WHERE id = ?",
                                               [method.mcpToolName, now, method.id])
                if updated == 0 { try insertMethod(method, now: now) }
                return .stored
            }
        }
    }

    public func unselectMethod(capsetID: String, instanceID: String, method: String) throws(StoreError) -> Bool {
        try wrap { try database.run("DELETE FROM capset_methods WHERE id = ?", ["\(capsetID):\(instanceID):\(method)"]) > 0 }
    }

    private func toolNames(capsetID: String, excluding methodID: String?) throws -> Set<String> {
        Set(try database.query("""
            SELECT cm.mcp_tool_name AS tool FROM capset_methods cm JOIN capset_instances ci ON ci.id = cm.capset_instance_id
            WHERE ci.capset_id = ? AND cm.mcp_tool_name != '' AND cm.id != ?
            """, [capsetID, methodID ?? ""]).map { $0.string("tool") })
    }

    private func insertMethod(_ method: CapsetMethodRecord, now: String) throws {
        try database.run("""
            INSERT INTO capset_methods (id, capset_instance_id, method_full_name, rest_alias, mcp_tool_name, enabled, created_at, updated_at)
            VALUES (?,?,?,?,?,?,?,?)
            """, [method.id, method.capsetInstanceID, method.methodFullName, method.restAlias, method.mcpToolName, method.enabled, now, now])
    }

    // MARK: Rows

    private static func capset(from row: SQLiteRow) -> CapsetRecord {
        var record = CapsetRecord(id: row.string("id"), name: row.string("name"))
        record.description = row.string("description")
        record.enabled = row.bool("enabled")
        record.createdAt = row.string("created_at")
        record.updatedAt = row.string("updated_at")
        return record
    }

    private static func binding(from row: SQLiteRow) -> CapsetInstanceRecord {
        var record = CapsetInstanceRecord(capsetID: row.string("capset_id"), instanceID: row.string("instance_id"),
                                          serviceID: row.string("service_id"), includeAllMethods: row.bool("include_all_methods"))
        record.alias = row.string("alias")
        record.enabled = row.bool("enabled")
        record.createdAt = row.string("created_at")
        record.updatedAt = row.string("updated_at")
        return record
    }

    private static func method(from row: SQLiteRow) -> CapsetMethodRecord {
        var record = CapsetMethodRecord(capsetID: row.string("capset_id"), instanceID: row.string("instance_id"),
                                        methodFullName: row.string("method_full_name"), mcpToolName: row.string("mcp_tool_name"))
        record.restAlias = row.string("rest_alias")
        record.enabled = row.bool("enabled")
        record.createdAt = row.string("created_at")
        record.updatedAt = row.string("updated_at")
        return record
    }
}
