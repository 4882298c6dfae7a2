import Glibc
import Protocols
public import Runtime

/// Dispatches `/admin/v1/...` requests to routes: 404 for unknown paths, 405 for known
/// paths with another method (both `unknown admin route`, in the SPEC §6 error shape),
/// admin-token checks, body collection with a limit, and rendering of replies.
public final class AdminRouter: Sendable {
    public static let prefix = "/admin/v1"
    private let routes: [AdminRoute]
    /// Open (no admin token) immediate GET routes without parameters, by path below the
    /// prefix (e.g. "/status"): answered inline — the status probe is what monitoring polls.
    /// A handful of entries compared byte-wise beats hashing a freshly made key string.
    private let openImmediateRoutes: [OpenImmediateRoute]
    private let access: AdminAccessPolicy

    public init(routes: [AdminRoute], access: AdminAccessPolicy) {
        self.routes = routes
        var fast: [OpenImmediateRoute] = []
        for route in routes where !route.requiresAuth {
            // Inline answers are for reads only (GET), so the table is keyed by path.
            if route.method == "GET", let path = route.staticPath, case .immediate(let handler) = route.handler {
                fast.append(OpenImmediateRoute(path: Array(path.utf8), handler: handler))
            }
        }
        openImmediateRoutes = fast
        self.access = access
    }

    /// Handles an exchange whose path starts with ``prefix``. Runs on the loop thread.
    public func handle(_ exchange: HTTPServerExchange) {
        let request = exchange.request
        if request.method == "GET", let route = openImmediateRoute(request), exchange.hasEmptyCompleteBody {
            // Fast path for open, cheap reads (status): no segments, no task.
            do throws(AdminError) {
                Self.render(exchange, try route.handler(exchange, []))
            } catch {
                Self.fail(exchange, error)
            }
            return
        }
        let rest = request.path.utf8.dropFirst(Self.prefix.utf8.count)
        guard rest.isEmpty || rest.first == UInt8(ascii: "/") else {
            Self.fail(exchange, .unknownRoute)
            return
        }
        let segments = rest.split(separator: UInt8(ascii: "/")).map { PercentEncoding.decode(String(decoding: $0, as: UTF8.self)) }
        var pathMatched = false
        for route in routes {
            guard let parameters = route.match(segments) else { continue }
            pathMatched = true
            guard route.method == request.method else { continue }
            if route.requiresAuth, let failure = access.check(request) {
                exchange.discardBody()
                Self.fail(exchange, failure)
                return
            }
            run(route, parameters: parameters, segments: segments, exchange: exchange)
            return
        }
        exchange.discardBody()
        Self.fail(exchange, pathMatched ? .methodNotAllowed : .unknownRoute)
    }

    /// The open immediate route for the path below ``prefix``, compared byte-wise.
    private func openImmediateRoute(_ request: HTTPRequestHead) -> OpenImmediateRoute? {
        let prefixCount = Self.prefix.utf8.count
        return request.withPathBytes { path in
            guard path.count >= prefixCount else { return nil }
            let count = path.count - prefixCount
            for route in openImmediateRoutes where route.path.count == count {
                if count == 0 || memcmp(route.path, path.baseAddress! + prefixCount, count) == 0 { return route }
            }
            return nil
        }
    }

    private func run(_ route: AdminRoute, parameters: [String], segments: [String], exchange: HTTPServerExchange) {
        let loop = exchange.loop
        let boundExchange = LoopBound(exchange, loop: loop)
        let query = QueryString.parse(String(exchange.request.query))
        let makeCall = { (body: [UInt8]) in
            AdminCall(method: exchange.request.method, segments: segments, parameters: parameters, query: query,
                      headers: exchange.request.headers, body: body, exchange: boundExchange)
        }
        let execute = { (body: [UInt8]) in
            let call = makeCall(body)
            switch route.handler {
            case .immediate(let handler):
                do throws(AdminError) {
                    Self.render(exchange, try handler(exchange, call.parameters))
                } catch {
                    Self.fail(exchange, error)
                }
            case .async(let handler):
                Task {
                    let reply: Result<AdminReply, AdminError>
                    do throws(AdminError) {
                        reply = .success(try await handler(call))
                    } catch {
                        reply = .failure(error)
                    }
                    loop.execute {
                        let exchange = boundExchange.value
                        switch reply {
                        case .success(let value): Self.render(exchange, value)
                        case .failure(let error): Self.fail(exchange, error)
                        }
                    }
                }
            }
        }
        exchange.collectBody(limit: route.maximumBodyBytes) { result in
            switch result {
            case .success(let body):
                // JSON bodies only: an HTML form (or a "simple" cross-site fetch) cannot send
                // application/json, so a body of another type is never a request we want.
                if !body.isEmpty, !MediaType.isJSON(exchange.request.headers["content-type"]) {
                    Self.fail(exchange, AdminError(status: 415, "request body must be application/json"))
                    return
                }
                execute(body)
            case .failure(.tooLarge(let limit)):
                Self.fail(exchange, AdminError(status: 413, "request body exceeds \(limit) bytes"))
            case .failure(.serverBusy):
                Self.fail(exchange, AdminError(status: 503, "the server is busy (request bodies in memory exceed their budget); retry later"))
            case .failure(.timedOut):
                Self.fail(exchange, AdminError(status: 408, "request body was not received in time"))
            }
        }
    }

    static func render(_ exchange: HTTPServerExchange, _ reply: AdminReply) {
        switch reply {
        case .json(let status, let value):
            exchange.respondJSON(status: status, value)
        case .raw(let status, let contentType, let body):
            exchange.respond(status: status, headers: ["content-type": contentType], body: body)
        case .prepared(let status, let reply):
            exchange.respond(status: status, prepared: reply.headers, body: reply.body)
        case .streamed:
            break
        }
    }

    static func fail(_ exchange: HTTPServerExchange, _ error: AdminError) {
        render(exchange, .json(error.status, error.body))
    }
}

/// An entry of the inline table. A class, so the handler is stored and called as the
/// concrete function type: handing it around as an optional closure value would make
/// Swift wrap it in a freshly allocated reabstraction thunk on every request.
private final class OpenImmediateRoute: Sendable {
    let path: [UInt8]
    let handler: @Sendable (HTTPServerExchange, [String]) throws(AdminError) -> AdminReply

    init(path: [UInt8], handler: @escaping @Sendable (HTTPServerExchange, [String]) throws(AdminError) -> AdminReply) {
        self.path = path
        self.handler = handler
    }
}
