import Protocols
import Runtime

/// Admin and capset tokens (SPEC §6): rows of `admin_tokens` / `capset_tokens`.
extension StoreActor {
    private static func table(_ scope: TokenScope) -> (table: String, filter: String, parameters: [any SQLiteBindable]) {
        switch scope {
        case .admin: ("admin_tokens", "1 = 1", [])
        case .capset(let capsetID): ("capset_tokens", "capset_id = ?", [capsetID])
        }
    }

    public func tokens(_ scope: TokenScope) throws(StoreError) -> [TokenRecord] {
        let (table, filter, parameters) = Self.table(scope)
        return try wrap {
            try database.query("SELECT id, name, token_hash, created_at, last_used_at FROM \(table) WHERE \(filter) ORDER BY id", parameters)
                .map { Self.token(from: $0, scope: scope) }
        }
    }

    public func token(_ scope: TokenScope, id: String) throws(StoreError) -> TokenRecord? {
        let (table, filter, parameters) = Self.table(scope)
        return try wrap {
            try database.query("SELECT id, name, token_hash, created_at, last_used_at FROM \(table) WHERE \(filter) AND id = ?",
                               parameters + [id]).first.map { Self.token(from: $0, scope: scope) }
        }
    }

    /// Every capset token, for building routing snapshots.
    public func allCapsetTokens() throws(StoreError) -> [TokenRecord] {
        try wrap {
            try database.query("SELECT capset_id, id, name, token_hash, created_at, last_used_at FROM capset_tokens ORDER BY capset_id, id")
                .map { Self.token(from: $0, scope: .capset($0.string("capset_id"))) }
        }
    }

    /// Inserts a token; false if one with this id exists in the scope.
    public func insertToken(_ scope: TokenScope, id: String, name: String, tokenHash: String) throws(StoreError) -> TokenRecord? {
        let now = Timestamp.now().rfc3339Nano
        do {
            switch scope {
            case .admin:
                try wrap {
                    try database.run("INSERT INTO admin_tokens (id, name, token_hash, created_at) VALUES (?,?,?,?)",
                                     [id, name, tokenHash, now])
                }
            case .capset(let capsetID):
                try wrap {
                    try database.run("INSERT INTO capset_tokens (capset_id, id, name, token_hash, created_at) VALUES (?,?,?,?,?)",
                                     [capsetID, id, name, tokenHash, now])
                }
            }
        } catch {
            if case .database(let sqlite) = error, sqlite.isConstraintViolation { return nil }
            throw error
        }
        return try token(scope, id: id)
    }

    public func deleteToken(_ scope: TokenScope, id: String) throws(StoreError) -> Bool {
        let (table, filter, parameters) = Self.table(scope)
        return try wrap { try database.run("DELETE FROM \(table) WHERE \(filter) AND id = ?", parameters + [id]) > 0 }
    }

    /// Records that tokens were used at `timestamp`, in one transaction (called by the usage
    /// recorder about once a second, never per request).
    public func touchTokens(_ used: [(TokenScope, String)], at timestamp: String) throws(StoreError) {
        try wrap {
            try database.transaction {
                for (scope, id) in used {
                    let (table, filter, parameters) = Self.table(scope)
                    try database.run("UPDATE \(table) SET last_used_at = ? WHERE \(filter) AND id = ?", [timestamp] + parameters + [id])
                }
            }
        }
    }

    private static func token(from row: SQLiteRow, scope: TokenScope) -> TokenRecord {
        TokenRecord(scope: scope, id: row.string("id"), name: row.string("name"), tokenHash: row.string("token_hash"),
                    createdAt: row.string("created_at"), lastUsedAt: row.string("last_used_at"))
    }
}
