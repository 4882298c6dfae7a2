public import Protocols
public import Runtime

/// What a route handler returns.
public enum AdminReply: Sendable {
    /// A JSON body with this status.
    case json(Int, JSONValue)
    /// Raw bytes with a content type (Markdown, YAML, NDJSON).
    case raw(Int, contentType: String, body: [UInt8])
    /// A fully prepared response (headers include content-type and content-length);
    /// lets hot routes reuse cached bytes.
    case prepared(Int, PreparedJSON)
    /// The handler wrote (or is writing) the response itself through the exchange.
    case streamed
}

/// A parsed admin request handed to a route handler.
public struct AdminCall: Sendable {
    public let method: String
    /// Path below `/admin/v1/`, split on `/`.
    public let segments: [String]
    /// Values of `{param}` segments, in order.
    public let parameters: [String]
    public let query: [(String, String)]
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// The underlying exchange, for handlers that stream (NDJSON progress, log follow).
    public let exchange: LoopBound<HTTPServerExchange>

    public func queryValue(_ name: String) -> String? {
        query.first { $0.0 == name }?.1
    }

    public func hasQuery(_ name: String) -> Bool {
        query.contains { $0.0 == name }
    }
}

/// A route: method, path pattern (`{x}` matches one segment) and handler.
public struct AdminRoute: Sendable {
    public enum Handler: Sendable {
        /// Answered on the loop thread without a task (cheap reads from snapshots): gets the
        /// exchange and the `{param}` values.
        case immediate(@Sendable (HTTPServerExchange, [String]) throws(AdminError) -> AdminReply)
        /// Runs in a task (store access, process control).
        case async(@Sendable (AdminCall) async throws(AdminError) -> AdminReply)
    }

    public let method: String
    public let pattern: [String]
    public let handler: Handler
    /// Whether admin tokens are checked (everything except `GET /status`).
    public let requiresAuth: Bool
    /// Request body limit.
    public let maximumBodyBytes: Int

    public init(_ method: String, _ path: String, requiresAuth: Bool = true, maximumBodyBytes: Int = AdminRoute.defaultMaximumBodyBytes, _ handler: Handler) {
        self.method = method
        pattern = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        self.handler = handler
        self.requiresAuth = requiresAuth
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// 4 MiB: room for large configs and secrets, small enough to bound memory per request.
    public static let defaultMaximumBodyBytes = 4 << 20

    /// The path below the prefix when the pattern has no parameters (for exact lookups).
    var staticPath: String? {
        pattern.contains { $0.hasPrefix("{") } ? nil : "/" + pattern.joined(separator: "/")
    }

    /// The `{param}` values if `segments` match the pattern.
    func match(_ segments: [String]) -> [String]? {
        guard segments.count == pattern.count else { return nil }
        var parameters: [String] = []
        for (part, segment) in zip(pattern, segments) {
            if part.hasPrefix("{") {
                guard !segment.isEmpty else { return nil }
                parameters.append(segment)
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}
