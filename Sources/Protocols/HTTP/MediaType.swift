import Runtime

/// Content-Type checks shared by the routes that take JSON bodies (the admin API, MCP).
public enum MediaType {
    /// `application/json`, with or without parameters (`; charset=utf-8`), in any case. A
    /// type no HTML form or "simple" cross-site request can send, which is why the routes
    /// that change state or call tools insist on it.
    public static func isJSON(_ value: String?) -> Bool {
        guard let value else { return false }
        if value == "application/json" { return true }  // what clients send, without parsing
        let type = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingASCIIWhitespace().lowercased() }
        return type == "application/json"
    }
}
