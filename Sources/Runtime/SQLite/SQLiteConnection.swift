import CSQLite

/// A single SQLite connection. Not thread-safe: the store actor owns it and runs every
/// call on its own executor thread (SQLite may block on disk; never on an event loop).
public final class SQLiteConnection {
    private var db: OpaquePointer?
    public let path: String

    /// Opens (creating if needed) the database at `path`.
    public init(path: String) throws(SQLiteError) {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(db)
            db = nil
            throw SQLiteError(code: rc, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        if let db { sqlite3_close_v2(db) }
    }

    /// Closes the connection; later calls fail.
    public func close() {
        if let db { sqlite3_close_v2(db) }
        db = nil
    }

    /// Runs one or more statements without results (DDL, pragmas).
    public func execute(_ sql: String) throws(SQLiteError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(error)
            throw SQLiteError(code: rc, message: message)
        }
    }

    /// Runs a statement with parameters; returns the number of changed rows.
    @discardableResult
    public func run(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws(SQLiteError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        while try statement.step() {}
        return Int(sqlite3_changes(db))
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ parameters: [any SQLiteBindable] = []) throws(SQLiteError) -> [SQLiteRow] {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        var rows: [SQLiteRow] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: "\(lastMessage) in: \(sql.prefix(200))")
        }
        return SQLiteStatement(statement: statement, connection: self)
    }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE), committing on success and rolling back on error.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    var lastMessage: String {
        db.map { String(cString: sqlite3_errmsg($0)) } ?? "database is closed"
    }

    func error(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: lastMessage)
    }
}

/// A prepared statement bound to its connection.
public final class SQLiteStatement {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection

    init(statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    public func bind(_ parameters: [any SQLiteBindable]) throws(SQLiteError) {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
        for (offset, parameter) in parameters.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch parameter.sqliteValue {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .integer(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .real(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let v): rc = octo_sqlite_bind_text(statement, index, v, -1)
            case .blob(let v): rc = v.withUnsafeBytes { octo_sqlite_bind_blob(statement, index, $0.baseAddress, Int32($0.count)) }
            }
            if rc != SQLITE_OK { throw connection.error(rc) }
        }
    }

    /// Advances; true when a row is available.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc)
        }
    }

    func row() -> SQLiteRow {
        let count = sqlite3_column_count(statement)
        var values: [SQLiteValue] = []
        var names: [String] = []
        values.reserveCapacity(Int(count))
        for i in 0..<count {
            names.append(String(cString: sqlite3_column_name(statement, i)))
            switch sqlite3_column_type(statement, i) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(statement, i)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(statement, i)))
            case SQLITE_TEXT: values.append(.text(String(cString: sqlite3_column_text(statement, i))))
            case SQLITE_BLOB:
                let n = Int(sqlite3_column_bytes(statement, i))
                if let p = sqlite3_column_blob(statement, i), n > 0 {
                    values.append(.blob(Array(UnsafeRawBufferPointer(start: p, count: n))))
                } else {
                    values.append(.blob([]))
                }
            default: values.append(.null)
            }
        }
        return SQLiteRow(names: names, values: values)
    }
}

/// One result row, readable by column name.
public struct SQLiteRow: Sendable {
    public let names: [String]
    public let values: [SQLiteValue]

    public subscript(_ name: String) -> SQLiteValue {
        guard let index = names.firstIndex(of: name) else { return .null }
        return values[index]
    }

    public func string(_ name: String) -> String {
        switch self[name] {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .blob(let b): String(decoding: b, as: UTF8.self)
        case .null: ""
        }
    }

    public func optionalString(_ name: String) -> String? {
        if case .null = self[name] { return nil }
        return string(name)
    }

    public func int(_ name: String) -> Int64? {
        switch self[name] {
        case .integer(let i): i
        case .real(let d): Int64(d)
        case .text(let s): Int64(s)
        default: nil
        }
    }

    public func bool(_ name: String) -> Bool { (int(name) ?? 0) != 0 }
}
