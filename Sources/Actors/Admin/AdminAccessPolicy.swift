import Protocols
import Runtime

/// Who may use the admin API. The admin API can import packages — that is, run code — so
/// beyond admin tokens (SPEC §6) it refuses what a hostile web page or a remote host could send:
///
/// 1. **DNS rebinding**: a page on `evil.example` whose name resolves to 127.0.0.1 sends
///    `Host: evil.example`. Admin requests from a loopback peer (and every request while the
///    daemon listens on loopback) must name the daemon by IP literal, `localhost`, or the host
///    it was told to listen on.
/// 2. **Cross-site requests**: browsers send `Origin` with every cross-origin POST; an Origin
///    whose host:port is not the request's own Host is refused. (Request bodies must also be
///    `application/json`, checked by the router: HTML forms cannot send that type.)
/// 3. **Open by default, but only locally**: while no admin token exists, only loopback
///    peers are answered.
/// 4. **Admin tokens**: once one exists, `Authorization: Bearer <token>` must match one
///    (SHA-256, compared in constant time).
public struct AdminAccessPolicy: Sendable {
    let state: DaemonState
    /// The host of `--addr` as given (lower-cased), e.g. "127.0.0.1", "0.0.0.0", "myhost".
    let listenHost: String
    /// Whether the daemon listens on a loopback address only.
    let listensOnLoopback: Bool

    public init(state: DaemonState, listenHost: String) {
        self.state = state
        self.listenHost = listenHost.lowercased()
        listensOnLoopback = AddressClass.isLoopbackHost(listenHost)
    }

    /// nil when `request` may reach a route that needs admin rights; else the refusal.
    func check(_ request: HTTPRequestHead) -> AdminError? {
        let peerIsLoopback = AddressClass.isLoopbackPeer(request.remoteAddress)
        if listensOnLoopback || peerIsLoopback, let host = request.authority, !isAcceptableHost(host) {
            return AdminError(status: 403, "admin requests must address the daemon by IP address or localhost (Host \(Self.quoted(host)) refused)")
        }
        if let origin = request.headers["origin"], !Self.isSameOrigin(origin, authority: request.authority) {
            return AdminError(status: 403, "cross-site admin requests are refused (Origin \(Self.quoted(origin)))")
        }
        let tokens = state.adminTokens
        if tokens.isEmpty {
            guard peerIsLoopback else {
                return AdminError(status: 403, "the admin API answers only loopback clients until an admin token exists (add one with `octobus admin-token add`)")
            }
            return nil
        }
        guard let token = BearerToken.parse(request.headers["authorization"]), let credential = tokens.match(token) else {
            return AdminError(status: 401, "admin token is required")
        }
        state.tokenUsage.noteUse(credential)
        return nil
    }

    private func isAcceptableHost(_ authority: String) -> Bool {
        AddressClass.namesDaemon(authority, listenHost: listenHost)
    }

    /// Whether `origin` (`scheme://host[:port]`) names the same host and port as the request.
    static func isSameOrigin(_ origin: String, authority: String?) -> Bool {
        guard let authority, let schemeEnd = origin.firstRange(of: "://") else { return false }
        let originAuthority = origin[schemeEnd.upperBound...]
        guard !originAuthority.contains("/") else { return false }
        let scheme = origin[..<schemeEnd.lowerBound].lowercased()
        let withoutDefaultPort = { (text: Substring, port: String) -> String in
            let lower = text.lowercased()
            return lower.hasSuffix(":" + port) ? String(lower.dropLast(port.count + 1)) : lower
        }
        let defaultPort = scheme == "https" ? "443" : "80"
        return withoutDefaultPort(originAuthority, defaultPort) == withoutDefaultPort(Substring(authority), defaultPort)
    }

    /// A header value for an error message: quoted, cut short, control characters removed.
    static func quoted(_ value: String) -> String {
        let cleaned = String(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.map(Character.init).prefix(100))
        return "\"" + cleaned + "\""
    }
}

/// Loopback and literal-address tests on the textual forms the runtime produces.
enum AddressClass {
    /// 127.0.0.0/8, ::1, `localhost`.
    static func isLoopbackHost(_ host: String) -> Bool {
        let lower = host.lowercased().trimmingCharacters(in: "[").trimmingCharacters(in: "]")
        if lower == "localhost" || lower == "::1" { return true }
        if lower.hasPrefix("::ffff:") { return isLoopbackHost(String(lower.dropFirst(7))) }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// A peer as `ip:port` or `[ipv6]:port`.
    static func isLoopbackPeer(_ remoteAddress: String) -> Bool {
        isLoopbackHost(hostPart(of: remoteAddress))
    }

    /// The host of `host[:port]` or `[v6][:port]`, without brackets.
    static func hostPart(of authority: String) -> String {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return authority }
            return String(authority[authority.index(after: authority.startIndex)..<close])
        }
        if let colon = authority.lastIndex(of: ":"), authority.firstIndex(of: ":") == colon {
            return String(authority[..<colon])
        }
        return authority
    }

    /// Whether `authority` names the daemon in a way DNS rebinding cannot forge: an IP
    /// literal, `localhost` (and `*.localhost`, RFC 6761), or the host it listens on.
    static func namesDaemon(_ authority: String, listenHost: String) -> Bool {
        let host = hostPart(of: authority).lowercased()
        if host.isEmpty || isIPLiteral(host) { return true }
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        return host == listenHost
    }

    /// A dotted-quad IPv4 address or an IPv6 address (DNS names are what rebinding needs).
    static func isIPLiteral(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) { return true }
        return host.contains(":") && host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
