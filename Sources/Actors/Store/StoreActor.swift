public import Runtime
import CSQLite
import Glibc

/// The only owner of `octobus.db`. Every read and write goes through this actor, which
/// runs on its own thread (a dedicated loop) because SQLite blocks on disk I/O and must
/// never stall a connection loop.
///
/// The database uses WAL, foreign keys and a 5 s busy timeout; the file is kept at 0600.
public actor StoreActor {
    private let loop: EventLoop
    private let db: SQLiteConnection
    public nonisolated let path: String
    /// Key of the secret digests shown by the API (`SecretSHA256`): random per data directory.
    nonisolated let secretDigestKey: [UInt8]

    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws(StoreError) {
        self.path = path
        loop = EventLoop(name: "octobus-store")
        loop.start()
        do {
            db = try SQLiteConnection(path: path)
            // secure_delete: freed pages (a replaced or deleted secret) are overwritten with zeros
            // instead of lingering in the file.
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;")
            try Self.migrate(db)
            secretDigestKey = try Self.prepareSecretDigests(db)
        } catch {
            loop.requestStop()
            loop.join()
            throw StoreError.database(error as? SQLiteError ?? SQLiteError(code: 1, message: "\(error)"))
        }
        // The database and its WAL files hold secrets: owner-only, re-applied on every open.
        for suffix in ["", "-wal", "-shm"] { chmod(path + suffix, 0o600) }
    }

    /// Applies migrations newer than the recorded version, each in its own transaction.
    static func migrate(_ db: SQLiteConnection) throws(SQLiteError) {
        try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        let applied = Set(try db.query("SELECT version FROM schema_migrations").compactMap { $0.int("version") })
        for migration in Migrations.all where !applied.contains(Int64(migration.version)) {
            do {
                try db.transaction {
                    try db.execute(migration.sql)
                    try db.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                               [migration.version, Timestamp.now().rfc3339Nano])
                }
            } catch let error as SQLiteError {
                throw error
            } catch {
                throw SQLiteError(code: SQLITE_ERROR, message: "\(error)")
            }
        }
    }

    /// Applied migration versions, ascending.
    public func migrationVersions() throws(StoreError) -> [Int] {
        try wrap { try db.query("SELECT version FROM schema_migrations ORDER BY version").compactMap { $0.int("version").map(Int.init) } }
    }

    public func serviceCount() throws(StoreError) -> Int {
        try wrap { Int(try db.query("SELECT COUNT(*) AS n FROM services").first?.int("n") ?? 0) }
    }

    /// Names of the tables in the database (diagnostics and tests).
    public func tableNames() throws(StoreError) -> [String] {
        try wrap { try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map { $0.string("name") } }
    }

    /// Runs raw SQL (tests and maintenance only; the daemon uses typed methods).
    func execute(_ sql: String) throws(StoreError) {
        try wrap { try db.execute(sql) }
    }

    /// Closes the database and stops the store thread. Call last.
    public func close() {
        db.close()
        loop.requestStop()
    }

    /// Runs a database body and maps its errors to ``StoreError``.
    @discardableResult
    func wrap<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as SQLiteError {
            throw StoreError.database(error)
        } catch {
            throw StoreError.database(SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Direct database access for store extensions in this module.
    var database: SQLiteConnection { db }
}

/// A failure of the store (not a "not found", which callers model as nil).
public enum StoreError: Error, CustomStringConvertible {
    case database(SQLiteError)

    public var description: String {
        switch self {
        case .database(let error): "database error: \(error.message)"
        }
    }
}
