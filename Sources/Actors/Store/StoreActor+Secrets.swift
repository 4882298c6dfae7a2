import Protocols
import Runtime

/// Secret digests and secret hygiene (hardening): the API shows `SecretSHA256` so a user can
/// tell whether a secret changed, but a plain SHA-256 of a short JSON secret falls to a
/// dictionary. The digest is therefore HMAC-SHA256 under a random key kept in this database,
/// and replaced or deleted secrets are scrubbed from the file and its WAL.
extension StoreActor {
    private static let keySetting = "secret_digest_key"
    private static let schemeSetting = "secret_digest_scheme"
    private static let scheme = "hmac-sha256"

    /// Loads (creating once) the digest key, and re-digests rows written by an older version
    /// that stored unkeyed SHA-256 digests.
    static func prepareSecretDigests(_ db: SQLiteConnection) throws -> [UInt8] {
        try db.transaction {
            let stored = try db.query("SELECT value FROM daemon_settings WHERE key = ?", [keySetting]).first?.string("value")
            let key: [UInt8]
            if let stored, let bytes = Digests.bytes(hex: stored), bytes.count == 32 {
                key = bytes
            } else {
                key = Digests.randomBytes(32)
                try db.run("INSERT OR REPLACE INTO daemon_settings (key, value) VALUES (?, ?)", [keySetting, Digests.hex(key)])
            }
            let current = try db.query("SELECT value FROM daemon_settings WHERE key = ?", [schemeSetting]).first?.string("value")
            if current != scheme {
                for row in try db.query("SELECT id, secret_json FROM instances") {
                    try db.run("UPDATE instances SET secret_sha256 = ? WHERE id = ?",
                               [Digests.hmacSHA256Hex(key: key, Array(row.string("secret_json").utf8)), row.string("id")])
                }
                try db.run("INSERT OR REPLACE INTO daemon_settings (key, value) VALUES (?, ?)", [schemeSetting, scheme])
            }
            return key
        }
    }

    /// The digest shown for a secret JSON text.
    nonisolated func secretDigest(_ secretJSON: String) -> String {
        Digests.hmacSHA256Hex(key: secretDigestKey, Array(secretJSON.utf8))
    }

    /// Moves every committed page into the database file and truncates the WAL, so an old
    /// secret's page images do not stay readable in `octobus.db-wal` (secure_delete already
    /// zeroes freed space in the file itself).
    func scrubWriteAheadLog() {
        do {
            try database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            // A checkpoint can only be blocked by another reader; the next secret change retries.
        }
    }
}
