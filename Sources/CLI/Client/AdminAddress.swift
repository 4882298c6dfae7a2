import Runtime

/// The admin API base address of SPEC §7: `host:port` (→ `http://`), `http://…` or
/// `https://…`; other schemes are rejected; any path or query is dropped.
struct AdminAddress: Equatable, CustomStringConvertible {
    var scheme: String
    var host: String
    var port: Int

    static let defaultAddress = "127.0.0.1:9000"

    init(parsing text: String) throws(AdminAddressError) {
        var rest = text.trimmingASCIIWhitespace()
        guard !rest.isEmpty else { throw AdminAddressError(text, "address is empty") }
        if let range = rest.firstRange(of: "://") {
            let scheme = rest[..<range.lowerBound].lowercased()
            guard scheme == "http" || scheme == "https" else {
                throw AdminAddressError(text, "unsupported scheme \"\(scheme)\": use host:port, http:// or https://")
            }
            self.scheme = scheme
            rest = String(rest[range.upperBound...])
        } else {
            scheme = "http"
        }
        if let cut = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            rest = String(rest[..<cut])
        }
        if let at = rest.lastIndex(of: "@") { rest = String(rest[rest.index(after: at)...]) }
        let hasPort = rest.hasPrefix("[") ? rest.contains("]:") : rest.contains(":")
        if !hasPort { rest += scheme == "https" ? ":443" : ":80" }
        let hostPort: HostPort
        do {
            hostPort = try HostPort(parsing: rest)
        } catch {
            throw AdminAddressError(text, error.reason)
        }
        guard !hostPort.host.isEmpty else { throw AdminAddressError(text, "host is empty") }
        host = hostPort.host
        port = hostPort.port
    }

    /// The base URL, e.g. `http://127.0.0.1:9000`.
    var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }

    var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(h):\(port)"
    }
}

struct AdminAddressError: Error, CustomStringConvertible {
    let input: String
    let reason: String
    init(_ input: String, _ reason: String) {
        self.input = input
        self.reason = reason
    }
    var description: String { "invalid --addr \"\(input)\": \(reason)" }
}
