import Bench
import Protocols
import Runtime

/// Where a bench run sends its load and what the method looks like, resolved before any
/// load: through the gateway (the capset's catalog says what is exposed; the service's
/// descriptor comes from the admin API), directly to an instance's own gRPC address, or to
/// any gRPC server given a descriptor set (`--target`).
struct BenchTarget {
    enum Route: String {
        case gateway, direct, target
    }

    let route: Route
    let host: String
    let port: Int
    let method: MethodDescriptor
    let descriptors: DescriptorSet
    /// The MCP tool name (MCP runs only).
    let tool: String
    let capset: String
    let instance: String

    var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    var url: String { "http://\(authority)" }

    var inputMessage: MessageDescriptor? { descriptors.message(fullName: method.inputType) }

    /// Gateway or direct: asks the daemon. `name` is `pkg.Svc/Method`, or the tool for MCP.
    static func resolve(client: AdminClient, capset: String, instance: String, name: String, protocolKind: BenchProtocol,
                        direct: Bool) throws(CLIError) -> BenchTarget {
        guard client.address.scheme == "http" else {
            throw CLIError("octobus bench speaks h2c to the daemon: --addr must be an http:// address (got \(client.address))")
        }
        let catalog = try client.call("GET", "/catalog/\(PercentEncoding.encode(capset))", query: [("all", "true")], allowNotFound: true)
        guard catalog.status != 404 else { throw CLIError("capset \"\(capset)\" not found (or disabled)") }
        let document: JSONValue
        do { document = try JSONParser.parse(catalog.body) } catch { throw CLIError("admin API returned an invalid catalog: \(error)") }
        let grpcItems = (document["grpc"]?.arrayValue ?? []).filter { $0["instance_id"]?.stringValue == instance }
        guard !grpcItems.isEmpty else {
            throw CLIError("instance \"\(instance)\" is not bound in capset \"\(capset)\" (or exposes no method there)")
        }
        let item: JSONValue
        var tool = ""
        if protocolKind == .mcp {
            let tools = (document["mcp"]?.arrayValue ?? []).filter { $0["instance_id"]?.stringValue == instance }
            guard let found = tools.first(where: { $0["tool_name"]?.stringValue == name }) else {
                let known = tools.compactMap { $0["tool_name"]?.stringValue }.sorted()
                throw CLIError("tool \"\(name)\" is not exposed by capset \"\(capset)\" for instance \"\(instance)\""
                    + (known.isEmpty ? "" : " (tools: \(known.joined(separator: ", ")))"))
            }
            item = found
            tool = name
        } else {
            let full = name.hasPrefix("/") ? String(name.dropFirst()) : name
            guard let found = grpcItems.first(where: { $0["method_full_name"]?.stringValue == full }) else {
                let known = grpcItems.compactMap { $0["method_full_name"]?.stringValue }.sorted()
                throw CLIError("method \"\(full)\" is not exposed by capset \"\(capset)\" for instance \"\(instance)\" (exposed: \(known.joined(separator: ", ")))")
            }
            item = found
        }
        guard let service = item["service_id"]?.stringValue, let fullName = item["method_full_name"]?.stringValue else {
            throw CLIError("admin API returned a catalog entry without service_id/method_full_name")
        }
        let descriptorReply = try client.call("GET", "/services/\(PercentEncoding.encode(service))/descriptor")
        let set: DescriptorSet
        do { set = try DescriptorSet.decode(descriptorReply.body) } catch { throw CLIError("service \"\(service)\" has an unreadable descriptor: \(error)") }
        guard let method = set.method(path: fullName) else {
            throw CLIError("method \"\(fullName)\" is not in service \"\(service)\"'s descriptor")
        }
        if protocolKind == .connect, !method.isUnary {
            throw CLIError("Connect calls unary methods only; \(fullName) is a streaming method (use --protocol grpc)")
        }
        var host = client.address.host
        var port = client.address.port
        if direct {
            let record = try client.callJSON("GET", "/instances/\(PercentEncoding.encode(instance))")
            let address = record["ListenAddr"]?.stringValue ?? ""
            guard !address.isEmpty, let colon = address.lastIndex(of: ":"), let directPort = Int(address[address.index(after: colon)...]) else {
                throw CLIError("instance \"\(instance)\" has no gRPC address of its own (on-demand or stopped); bench it through the gateway")
            }
            guard record["Status"]?.stringValue == "running" else {
                throw CLIError("instance \"\(instance)\" is \(record["Status"]?.stringValue ?? "not running"), not running")
            }
            host = String(address[..<colon])
            port = directPort
        }
        return BenchTarget(route: direct ? .direct : .gateway, host: host, port: port, method: method, descriptors: set, tool: tool,
                           capset: capset, instance: instance)
    }

    /// `--target URL --descriptor FILE`: any gRPC server.
    static func resolve(url: String, descriptorPath: String, name: String, capset: String, instance: String) throws(CLIError) -> BenchTarget {
        var rest = Substring(url.trimmingASCIIWhitespace())
        if let range = rest.firstRange(of: "://") {
            guard rest[..<range.lowerBound].lowercased() == "http" else {
                throw CLIError("--target must be http://host:port (octobus bench speaks h2c, without TLS)")
            }
            rest = rest[range.upperBound...]
        }
        if let cut = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) { rest = rest[..<cut] }
        let hostPart: Substring, portPart: Substring
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            hostPart = rest[rest.index(after: rest.startIndex)..<close]
            portPart = rest[close...].drop { $0 == "]" || $0 == ":" }
        } else if let colon = rest.lastIndex(of: ":") {
            hostPart = rest[..<colon]
            portPart = rest[rest.index(after: colon)...]
        } else {
            throw CLIError("--target \(url): a port is required (http://host:port)")
        }
        guard !hostPart.isEmpty, let port = Int(portPart), (1...65535).contains(port) else {
            throw CLIError("--target \(url) is not http://host:port")
        }
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(descriptorPath, limit: DescriptorLimits.defaultMaximumBytes) } catch {
            throw CLIError("read --descriptor \(descriptorPath): \(error)")
        }
        let set: DescriptorSet
        do { set = try DescriptorSet.decode(bytes) } catch { throw CLIError("--descriptor \(descriptorPath) is not a descriptor set: \(error)") }
        guard let method = set.method(path: name) else {
            throw CLIError("method \"\(name)\" is not in --descriptor \(descriptorPath) (methods: \(set.methods.map(\.fullName).sorted().joined(separator: ", ")))")
        }
        return BenchTarget(route: .target, host: String(hostPart), port: port, method: method, descriptors: set, tool: "",
                           capset: capset, instance: instance)
    }
}
