import Protocols
import Runtime

/// MCP over streamable HTTP at `/capsets/{c}/mcp` (SPEC §8.5), one endpoint for both eras:
/// the handshake era (`initialize`, then requests; versions 2025-03-26, 2025-06-18,
/// 2025-11-25) and the stateless 2026-07-28 revision (`server/discover`, the version in every
/// request's `_meta`, `Mcp-Method`/`Mcp-Name` headers checked against the body).
/// JSON replies; an SSE reply only for a streaming tool whose caller asked for progress.
struct MCPGateway: Sendable {
    let loops: GatewayLoops
    let configuration: GatewayConfiguration
    let log: GatewayAccessLogger
    let onDemand: OnDemandGateway?
    let tokenUsage: TokenUsageRecorder

    static let serverInfo = MCPServerInfo.octobus

    func handle(_ exchange: HTTPServerExchange, capsetID: String) {
        let startedAt = MonotonicClock.nanoseconds()
        let context = loops.context(for: exchange.loop)
        let reply = MCPReply(exchange: exchange, log: log, capset: capsetID, startedAt: startedAt)
        guard exchange.request.method == "POST" else {
            exchange.discardBody()
            reply.http(405, ["error": "method not allowed"], allow: "POST")
            return
        }
        // JSON-RPC bodies are JSON (streamable HTTP). Requiring the type also means a browser
        // cannot send one cross-site without a CORS preflight, which the gateway never grants.
        guard MediaType.isJSON(exchange.request.headers["content-type"]) else {
            exchange.collectBody(limit: ConnectGateway.maximumBodyBytes) { _ in
                reply.http(415, JSONRPCResponse.error(id: .null, code: .invalidRequest,
                                                      message: "MCP requests are JSON-RPC: Content-Type must be application/json"))
            }
            return
        }
        let capset = context.table.capsets[capsetID]
        if let capset {
            switch GRPCRoute.authorize(capset, headers: exchange.request.headers) {
            case .failure(let failure):
                // Answered once the body is in (dropped; past the limit, at once): on HTTP/2 an
                // answer sent mid-upload ends with RST_STREAM(NO_ERROR), which curl 7.x reports
                // as a failed transfer instead of the 401.
                exchange.collectBody(limit: ConnectGateway.maximumBodyBytes) { _ in
                    reply.http(401, JSONRPCResponse.error(id: .null, code: .invalidRequest, message: failure.message))
                }
                return
            case .success(let credential):
                if let credential { tokenUsage.noteUse(credential) }
            }
        }
        exchange.collectBody(limit: ConnectGateway.maximumBodyBytes) { result in
            switch result {
            case .success(let body):
                dispatch(body, capset: capset, reply: reply, context: context)
            case .failure(.tooLarge):
                reply.http(413, JSONRPCResponse.error(id: .null, code: .invalidRequest, message: "request body too large"))
            case .failure(.serverBusy):
                reply.http(503, JSONRPCResponse.error(id: .null, code: .internalError, message: "the gateway is busy; retry later"))
            case .failure(.timedOut):
                reply.http(408, JSONRPCResponse.error(id: .null, code: .invalidRequest, message: "request body was not received in time"))
            }
        }
    }

    private func dispatch(_ body: [UInt8], capset: CapsetRoute?, reply: MCPReply, context: GatewayLoopContext) {
        guard let json = try? JSONParser.parse(body) else {
            reply.http(400, JSONRPCResponse.error(id: .null, code: .invalidRequest, message: "invalid JSON"))
            return
        }
        let request: JSONRPCRequest
        do throws(JSONRPCRequestError) {
            request = try JSONRPCRequest.parse(json)
        } catch {
            reply.http(400, error.response)
            return
        }
        reply.method = request.method
        let era: MCPRequestEra
        do throws(MCPRequestRejection) {
            era = try MCPStatelessRequest.classify(request, headers: reply.exchange.request.headers.map { ($0.name, $0.value) })
        } catch {
            reply.http(error.httpStatus, error.response(id: request.id ?? .null))
            return
        }
        if request.isNotification {
            reply.accepted()
            return
        }
        let id = request.id ?? .null
        let stateless: Bool
        var structured = true
        switch era {
        case .handshake:
            stateless = false
        case .stateless:
            stateless = true
        }
        if !stateless, let version = reply.exchange.request.headers["mcp-protocol-version"] {
            structured = MCPProtocolVersion.supportsStructuredContent(version)
        }
        func result(_ value: JSONObject, cacheable: Bool = false) {
            let wrapped: JSONValue = stateless
                ? (cacheable ? MCPStatelessResult.cacheable(value, cache: .gateway, serverInfo: Self.serverInfo)
                             : MCPStatelessResult.complete(value, serverInfo: Self.serverInfo))
                : .object(value)
            reply.http(200, JSONRPCResponse.result(id: id, wrapped))
        }
        switch (request.method, stateless) {
        case ("initialize", false):
            reply.http(200, JSONRPCResponse.result(id: id, Self.serverInfo.initializeResult(params: request.params)))
        case ("server/discover", true):
            reply.http(200, JSONRPCResponse.result(id: id, MCPStatelessResult.discover(serverInfo: Self.serverInfo)))
        case ("ping", false):
            result([:])
        case ("resources/list", _):
            result(["resources": []], cacheable: true)
        case ("resources/templates/list", _):
            result(["resourceTemplates": []], cacheable: true)
        case ("prompts/list", _):
            result(["prompts": []], cacheable: true)
        case ("tools/list", _):
            guard let capset, capset.exposesAnything else {
                result(Self.failure(.notFound, "capset not found"))
                return
            }
            let catalog = capset.mcpTools.catalog(for: capset)
            do throws(MCPRequestRejection) {
                let page = try MCPToolPagination.page(catalog.entries, key: \.sortKey, cursor: MCPToolPagination.cursor(in: request.params))
                var object: JSONObject = ["tools": .array(page.tools.map { $0.json(includeOutputSchema: structured) })]
                if let next = page.nextCursor { object["nextCursor"] = .string(next) }
                result(object, cacheable: true)
            } catch {
                reply.http(200, error.response(id: id))
            }
        case ("tools/call", _):
            let call: MCPToolCall
            do throws(MCPToolCallFailure) {
                call = try MCPToolCall(params: request.params)
            } catch {
                result(Self.failure(error))
                return
            }
            reply.tool = call.name
            guard let capset, let entry = capset.mcpTools.catalog(for: capset).byName[call.name] else {
                result(Self.failure(.notFound, "tool not found"))
                return
            }
            reply.route = (entry.instance, entry.method)
            let runner = MCPToolRunner(entry: entry, context: context, configuration: configuration, onDemand: onDemand)
            runner.run(call.arguments, progressToken: request.meta?["progressToken"], reply: reply) { value in
                result(value)
            }
        default:
            reply.http(stateless ? 404 : 200, JSONRPCResponse.error(id: id, code: stateless ? .methodNotFound : .invalidRequest,
                                                                    message: "unsupported MCP method"))
        }
    }

    /// A tool failure as a result, marked `isError` (beyond upstream: clients check it).
    static func failure(_ code: GRPCStatusCode, _ message: String) -> JSONObject {
        failure(MCPToolCallFailure(code: code, message: message))
    }

    static func failure(_ failure: MCPToolCallFailure) -> JSONObject {
        failure.result(markedAsError: true).objectValue ?? [:]
    }
}

/// Writes an MCP answer once and logs it. Loop-confined.
final class MCPReply {
    let exchange: HTTPServerExchange
    let log: GatewayAccessLogger
    let capset: String
    let startedAt: UInt64
    /// The JSON-RPC method, then the tool's full method name once resolved (SPEC §9).
    var method = ""
    var tool = ""
    var route: (instance: InstanceRoute, method: MethodRoute)?
    /// The error code of a tool result, for the access log.
    var toolCode: GRPCStatusCode?
    private var logged = false

    init(exchange: HTTPServerExchange, log: GatewayAccessLogger, capset: String, startedAt: UInt64) {
        self.exchange = exchange
        self.log = log
        self.capset = capset
        self.startedAt = startedAt
    }

    /// Server-sent events are being written (a streaming tool reporting progress): the final
    /// answer becomes the last event.
    private(set) var sendsEvents = false

    func http(_ status: Int, _ body: JSONValue, allow: String? = nil) {
        if sendsEvents {
            event(body)
            exchange.sendBody([], endStream: true)
            record(200)
            return
        }
        exchange.respondJSON(status: status, body, headers: allow.map { ["allow": $0] } ?? HTTPHeaders())
        record(status)
    }

    /// Switches the answer to `text/event-stream` (streamable HTTP allows it for any request).
    func beginEvents() {
        guard !sendsEvents else { return }
        sendsEvents = true
        exchange.sendHead(HTTPResponseHead(status: 200, headers: ["content-type": "text/event-stream", "cache-control": "no-store"]))
    }

    /// One SSE event carrying a JSON-RPC message.
    func event(_ message: JSONValue) {
        var bytes = Array("event: message\ndata: ".utf8)
        bytes.append(contentsOf: JSONWriter().bytes(message))
        bytes.append(contentsOf: Array("\n\n".utf8))
        exchange.sendBody(bytes)
    }

    /// A notification: 202, no body.
    func accepted() {
        exchange.respond(status: 202)
        record(202)
    }

    func record(_ status: Int) {
        guard !logged else { return }
        logged = true
        log.record(exchange, protocol: .mcp, route: nil, grpcCode: toolCode, httpStatus: status, capset: capset,
                   service: route?.instance.service.record.id, instance: route?.instance.endpoint.instanceID,
                   method: route?.method.descriptor.fullName ?? method, tool: tool, startedAt: startedAt)
    }
}
