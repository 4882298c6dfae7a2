import Protocols
import Synchronization

/// One token as the request path sees it: its id and SHA-256, plus a flag raised the first
/// time it is used after each flush (so `last_used_at` costs no database write per request).
public final class TokenCredential: Sendable {
    public let scope: TokenScope
    public let id: String
    let hash: [UInt8]
    /// Set on use, cleared when the usage recorder flushes it. Lock-free on the request path.
    let used = Atomic<Bool>(false)

    init(scope: TokenScope, id: String, hash: [UInt8]) {
        self.scope = scope
        self.id = id
        self.hash = hash
    }
}

/// The tokens of one scope, immutable once built (a snapshot). An empty set means the
/// scope is open (SPEC §6, §8.8).
public struct TokenSet: Sendable {
    let credentials: [TokenCredential]

    public static let empty = TokenSet(credentials: [])

    init(credentials: [TokenCredential]) {
        self.credentials = credentials
    }

    /// Builds the set from stored records; records whose hash is not 64 hex digits are skipped.
    init(records: [TokenRecord]) {
        credentials = records.compactMap { record in
            guard let hash = Digests.bytes(hex: record.tokenHash), hash.count == 32 else { return nil }
            return TokenCredential(scope: record.scope, id: record.id, hash: hash)
        }
    }

    public var isEmpty: Bool { credentials.isEmpty }
    public var count: Int { credentials.count }

    /// The credential whose hash equals SHA-256(`token`). Every stored hash is compared in
    /// constant time and the loop never exits early, so timing says nothing about which
    /// stored hash came close.
    public func match(_ token: String) -> TokenCredential? {
        let presented = Digests.sha256(Array(token.utf8))
        var found: TokenCredential?
        for credential in credentials where Digests.constantTimeEquals(credential.hash, presented) {
            found = credential
        }
        return found
    }
}
