import Protocols
import Runtime

extension StoreActor {
    private static let serviceColumns = """
        id, name, package_source, package_artifact_path, package_sha256, package_version, descriptor_path,
        descriptor_sha256, descriptor_version, methods_json, node_entry, service_root, runtime_mode,
        config_schema_path, secret_schema_path, allow_scripts, sdk, created_at, updated_at
        """

    public func services() throws(StoreError) -> [ServiceRecord] {
        try wrap { try database.query("SELECT \(Self.serviceColumns) FROM services ORDER BY id").map(Self.service(from:)) }
    }

    public func service(id: String) throws(StoreError) -> ServiceRecord? {
        try wrap { try database.query("SELECT \(Self.serviceColumns) FROM services WHERE id = ?", [id]).first.map(Self.service(from:)) }
    }

    /// Inserts or replaces a service; keeps `created_at` of an existing row.
    public func upsertService(_ record: ServiceRecord) throws(StoreError) -> ServiceRecord {
        let now = Timestamp.now().rfc3339Nano
        _ = try wrap {
            try database.run("""
                INSERT INTO services (\(Self.serviceColumns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(id) DO UPDATE SET name=excluded.name, package_source=excluded.package_source,
                  package_artifact_path=excluded.package_artifact_path, package_sha256=excluded.package_sha256,
                  package_version=excluded.package_version, descriptor_path=excluded.descriptor_path,
                  descriptor_sha256=excluded.descriptor_sha256, descriptor_version=excluded.descriptor_version,
                  methods_json=excluded.methods_json, node_entry=excluded.node_entry, service_root=excluded.service_root,
                  runtime_mode=excluded.runtime_mode, config_schema_path=excluded.config_schema_path,
                  secret_schema_path=excluded.secret_schema_path, allow_scripts=excluded.allow_scripts, sdk=excluded.sdk,
                  updated_at=excluded.updated_at
                """, [
                    record.id, record.name, record.packageSource, record.packageArtifactPath, record.packageSHA256,
                    record.packageVersion, record.descriptorPath, record.descriptorSHA256, record.descriptorVersion,
                    JSONWriter().string(record.methods), record.nodeEntry, record.serviceRoot, record.runtimeMode.rawValue,
                    record.configSchemaPath, record.secretSchemaPath, record.allowScripts, record.sdk, now, now,
                ])
        }
        guard let stored = try service(id: record.id) else {
            throw StoreError.database(SQLiteError(code: 1, message: "service \(record.id) vanished after upsert"))
        }
        return stored
    }

    public func renameService(id: String, name: String) throws(StoreError) -> ServiceRecord? {
        _ = try wrap { try database.run("UPDATE services SET name = ?, updated_at = ? WHERE id = ?", [name, Timestamp.now().rfc3339Nano, id]) }
        return try service(id: id)
    }

    /// Deletes a service unless an instance uses it; returns the blocking instance id if any.
    public func deleteService(id: String) throws(StoreError) -> (deleted: Bool, usedBy: String?) {
        try wrap {
            try database.transaction {
                if let user = try database.query("SELECT id FROM instances WHERE service_id = ? ORDER BY id LIMIT 1", [id]).first {
                    return (false, user.string("id"))
                }
                let changed = try database.run("DELETE FROM services WHERE id = ?", [id])
                return (changed > 0, nil)
            }
        }
    }

    static func service(from row: SQLiteRow) -> ServiceRecord {
        var record = ServiceRecord(id: row.string("id"), name: row.string("name"))
        record.packageSource = row.string("package_source")
        record.packageArtifactPath = row.string("package_artifact_path")
        record.packageSHA256 = row.string("package_sha256")
        record.packageVersion = row.string("package_version")
        record.descriptorPath = row.string("descriptor_path")
        record.descriptorSHA256 = row.string("descriptor_sha256")
        record.descriptorVersion = row.string("descriptor_version")
        record.methods = (try? JSONParser.parse(row.string("methods_json"))) ?? .null
        record.nodeEntry = row.string("node_entry")
        record.serviceRoot = row.string("service_root")
        record.runtimeMode = RuntimeMode(rawValue: row.string("runtime_mode")) ?? .longRunning
        record.configSchemaPath = row.string("config_schema_path")
        record.secretSchemaPath = row.string("secret_schema_path")
        record.allowScripts = row.bool("allow_scripts")
        record.sdk = row.string("sdk")
        record.createdAt = row.string("created_at")
        record.updatedAt = row.string("updated_at")
        return record
    }
}
