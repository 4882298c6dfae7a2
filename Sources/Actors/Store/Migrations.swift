/// Versioned schema migrations for `octobus.db`. Each runs once, in a transaction,
/// and is recorded in `schema_migrations`. Never edit a shipped migration; append one.
enum Migrations {
    static let all: [(version: Int, sql: String)] = [
        (1, """
        CREATE TABLE services (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            package_source TEXT NOT NULL DEFAULT '',
            package_artifact_path TEXT NOT NULL DEFAULT '',
            package_sha256 TEXT NOT NULL DEFAULT '',
            package_version TEXT NOT NULL DEFAULT '',
            proto_bundle_path TEXT NOT NULL DEFAULT '',
            proto_bundle_sha256 TEXT NOT NULL DEFAULT '',
            descriptor_path TEXT NOT NULL DEFAULT '',
            descriptor_sha256 TEXT NOT NULL DEFAULT '',
            descriptor_version TEXT NOT NULL DEFAULT '',
            methods_json TEXT NOT NULL DEFAULT 'null',
            node_entry TEXT NOT NULL DEFAULT '',
            service_root TEXT NOT NULL DEFAULT '.',
            runtime_mode TEXT NOT NULL DEFAULT 'long-running',
            config_schema_path TEXT NOT NULL DEFAULT '',
            secret_schema_path TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE instances (
            id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL REFERENCES services(id),
            name TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'stopped',
            pid INTEGER,
            process_start_ticks INTEGER,
            listen_addr TEXT NOT NULL DEFAULT '',
            node_entry TEXT NOT NULL DEFAULT '',
            config_json TEXT NOT NULL DEFAULT '{}',
            config_sha256 TEXT NOT NULL DEFAULT '',
            secret_json TEXT NOT NULL DEFAULT '{}',
            secret_sha256 TEXT NOT NULL DEFAULT '',
            last_error TEXT NOT NULL DEFAULT '',
            restart_count INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX instances_service_id ON instances(service_id);
        CREATE TABLE capsets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE capset_instances (
            id TEXT PRIMARY KEY,
            capset_id TEXT NOT NULL REFERENCES capsets(id) ON DELETE CASCADE,
            service_id TEXT NOT NULL,
            instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            alias TEXT NOT NULL DEFAULT '',
            include_all_methods INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (capset_id, instance_id)
        );
        CREATE TABLE capset_methods (
            id TEXT PRIMARY KEY,
            capset_instance_id TEXT NOT NULL REFERENCES capset_instances(id) ON DELETE CASCADE,
            method_full_name TEXT NOT NULL,
            rest_alias TEXT NOT NULL DEFAULT '',
            mcp_tool_name TEXT NOT NULL DEFAULT '',
            enabled INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX capset_methods_binding ON capset_methods(capset_instance_id);
        CREATE TABLE capset_tokens (
            capset_id TEXT NOT NULL REFERENCES capsets(id) ON DELETE CASCADE,
            id TEXT NOT NULL,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z',
            PRIMARY KEY (capset_id, id)
        );
        CREATE TABLE admin_tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT NOT NULL DEFAULT '0001-01-01T00:00:00Z'
        );
        """),
        // Whether a service's import ran package scripts (import `allow_scripts`, `--allow-scripts`).
        (2, """
        ALTER TABLE services ADD COLUMN allow_scripts INTEGER NOT NULL DEFAULT 0;
        """),
        // Daemon-wide settings, e.g. the key of secret digests (HMAC-SHA256, see StoreActor+Secrets).
        (3, """
        CREATE TABLE daemon_settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """),
        // Which SDK a service runs on (`bundled 0.6.1`, `registry 0.5.3`, `vendored`, or "").
        (10, """
        ALTER TABLE services ADD COLUMN sdk TEXT NOT NULL DEFAULT '';
        """),
    ]
}
