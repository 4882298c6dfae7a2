/// Where a bearer token belongs: the admin API, or one capset (SPEC §1, §8.8).
public enum TokenScope: Sendable, Hashable {
    case admin
    case capset(String)

    /// What the admin API calls a token of this scope in messages.
    var noun: String {
        switch self {
        case .admin: "admin token"
        case .capset: "capset token"
        }
    }
}
