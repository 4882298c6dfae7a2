/// A JSON-RPC 2.0 request id: a string, a number (its literal text kept, so it is echoed
/// byte for byte) or null. Responses echo it; errors about requests whose id could not be
/// read use ``null``.
public enum JSONRPCID: Sendable, Equatable, CustomStringConvertible {
    /// A string id.
    case string(String)
    /// A number id: its literal text as it appeared in the request (`7`, `1.5e3`).
    case number(String)
    /// A null id (also the id of errors about requests whose id could not be read).
    case null

    /// The id from a request's `id` member; nil for any other JSON type (a boolean, an object).
    public init?(_ json: JSONValue) {
        switch json {
        case .string(let text): self = .string(text)
        case .number(let text): self = .number(text)
        case .null: self = .null
        default: return nil
        }
    }

    /// The id as it is written in a response.
    public var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .number(let text): .number(text)
        case .null: .null
        }
    }

    /// The id as JSON text (`"a"`, `7`, `null`).
    public var description: String { JSONWriter().string(json) }
}
