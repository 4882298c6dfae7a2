/// Which protocols a catalog request lists (SPEC §8.7): booleans `grpc`, `mcp`, `connect`,
/// `all` accept only "", `true`, `false`; `all` excludes the others; none selected → gRPC.
struct CatalogSelection: Sendable, Equatable {
    var grpc = false
    var mcp = false
    var connect = false

    static let all = CatalogSelection(grpc: true, mcp: true, connect: true)

    /// Parses the query; the error text is the admin API's 400 message.
    static func parse(_ value: (String) -> String?, has: (String) -> Bool) throws(AdminError) -> CatalogSelection {
        func flag(_ name: String) throws(AdminError) -> Bool? {
            guard has(name) else { return nil }
            switch value(name) ?? "" {
            case "", "true": return true
            case "false": return false
            default: throw AdminError.badRequest("\(name) must be true or false")
            }
        }
        let all = try flag("all")
        var selection = CatalogSelection(grpc: try flag("grpc") ?? false, mcp: try flag("mcp") ?? false,
                                         connect: try flag("connect") ?? false)
        if all != nil, has("grpc") || has("mcp") || has("connect") {
            throw AdminError.badRequest("all cannot be combined with grpc, mcp or connect")
        }
        if all == true { return .all }
        if !selection.grpc && !selection.mcp && !selection.connect { selection.grpc = true }
        return selection
    }
}
