import Protocols

/// A stored bearer token (SPEC §6 AdminToken / CapsetToken). Only the SHA-256 of the
/// token is ever stored; the plaintext is seen once, when it is added.
public struct TokenRecord: Sendable, Equatable {
    public var scope: TokenScope
    public var id: String
    public var name: String
    /// Lower-case hex SHA-256 of the token.
    public var tokenHash: String
    public var createdAt: String
    /// `0001-01-01T00:00:00Z` until first used.
    public var lastUsedAt: String

    public static let neverUsed = "0001-01-01T00:00:00Z"

    /// The admin API shape: `ID, [CapsetID,] Name, TokenHash, CreatedAt, LastUsedAt`.
    public var json: JSONValue {
        var object: JSONObject = ["ID": .string(id)]
        if case .capset(let capsetID) = scope { object["CapsetID"] = .string(capsetID) }
        object["Name"] = .string(name)
        object["TokenHash"] = .string(tokenHash)
        object["CreatedAt"] = .string(createdAt)
        object["LastUsedAt"] = .string(lastUsedAt)
        return .object(object)
    }
}
