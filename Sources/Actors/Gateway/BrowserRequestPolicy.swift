import Runtime

/// What the public capset routes (Connect, MCP, OpenAPI) accept from web browsers.
///
/// A capset without tokens is open to every client that reaches the port, which is the point
/// for local agents — but not for a web page the user happens to visit: with DNS rebinding
/// (`evil.example` resolving to 127.0.0.1) the page is "same-origin" with the daemon and could
/// call tools and read the answers. Browsers send `Origin` with such requests (and with every
/// cross-origin POST), non-browser clients normally do not; so a request that carries an
/// `Origin` must be same-origin **and** name the daemon by IP literal, `localhost` or the
/// host it listens on (the admin API's rule, ``AdminAccessPolicy``). The MCP specification
/// asks servers to validate `Origin` for exactly this reason.
struct BrowserRequestPolicy: Sendable {
    /// The host of `--addr` as given, lower-cased.
    let listenHost: String

    init(listenHost: String) {
        self.listenHost = listenHost.lowercased()
    }

    /// nil when the request may proceed; else why it is refused (answer 403).
    func refusal(_ request: HTTPRequestHead) -> String? {
        guard let origin = request.headers["origin"] else { return nil }
        guard AdminAccessPolicy.isSameOrigin(origin, authority: request.authority) else {
            return "cross-site browser requests are refused (Origin \(AdminAccessPolicy.quoted(origin)))"
        }
        guard AddressClass.namesDaemon(request.authority ?? "", listenHost: listenHost) else {
            return "browser requests must address the daemon by IP address or localhost "
                + "(Host \(AdminAccessPolicy.quoted(request.authority ?? "")) refused)"
        }
        return nil
    }
}
