import Protocols
import Runtime

/// The catalog of a capset (SPEC §8.7): what a client can call, over which protocol, with
/// which message types — as JSON or Markdown. Built from the routing table, so it shows
/// exactly what the gateway routes.
struct Catalog {
    let capset: CapsetRoute
    let selection: CatalogSelection

    /// `application/json` body.
    var json: JSONValue {
        let record = capset.record
        var grpc: [JSONValue] = []
        var mcp: [JSONValue] = []
        var connect: [JSONValue] = []
        // The MCP items are the tools `tools/list` serves (server-streaming methods included).
        var toolNames: [ToolKey: String] = [:]
        if selection.mcp {
            for entry in capset.mcpTools.catalog(for: capset).entries {
                toolNames[ToolKey(instance: entry.instance.endpoint.instanceID, method: entry.method.descriptor.fullName)] = entry.tool.name
            }
        }
        for instance in capset.orderedInstances {
            for method in instance.orderedMethods {
                let base = Self.item(instance, method)
                if selection.grpc {
                    var item = base
                    item["method_path"] = .string(method.descriptor.path)
                    item["metadata"] = .object(["x-octobus-capset": .string(record.id), "x-octobus-instance": .string(instance.endpoint.instanceID)])
                    grpc.append(.object(item))
                }
                // Client- and bidi-streaming methods are gRPC only.
                guard !method.descriptor.clientStreaming else { continue }
                let streaming = method.descriptor.serverStreaming
                if selection.mcp, let tool = toolNames[ToolKey(instance: instance.endpoint.instanceID, method: method.descriptor.fullName)] {
                    var item = base
                    item["endpoint"] = .string("/capsets/\(record.id)/mcp")
                    item["tool_name"] = .string(tool)
                    item["server_streaming"] = .bool(streaming)
                    mcp.append(.object(item))
                }
                if selection.connect {
                    var item = base
                    item["procedure"] = .string(method.descriptor.path)
                    item["endpoint"] = .string(Self.connectPath(capset: record.id, instance: instance.endpoint.instanceID, method: method))
                    item["openapi_url"] = .string("/capsets/\(record.id)/openapi.json")
                    item["http_method"] = .string("POST")
                    item["server_streaming"] = .bool(streaming)
                    item["content_types"] = .array((streaming ? Self.connectStreamingContentTypes : Self.connectContentTypes).map(JSONValue.string))
                    connect.append(.object(item))
                }
            }
        }
        return .object([
            "capset_id": .string(record.id), "name": .string(record.name), "description": .string(record.description),
            "grpc": .array(grpc), "mcp": .array(mcp), "connect_rpc": .array(connect),
        ])
    }

    static let connectContentTypes = ["application/json", "application/proto", "application/connect+json", "application/connect+proto"]
    /// Server-streaming methods take the Connect streaming protocol only.
    static let connectStreamingContentTypes = ["application/connect+json", "application/connect+proto"]

    private struct ToolKey: Hashable {
        let instance: String
        let method: String
    }

    static func connectPath(capset: String, instance: String, method: MethodRoute) -> String {
        "/capsets/\(capset)/connect/\(instance)/\(method.descriptor.fullName)"
    }

    /// The fields every item has.
    private static func item(_ instance: InstanceRoute, _ method: MethodRoute) -> JSONObject {
        let service = instance.service
        let status = service.descriptors == nil ? InstanceStatus.degraded.rawValue : instance.endpoint.status.rawValue
        return [
            "service_id": .string(service.record.id), "runtime_mode": .string(service.record.runtimeMode.rawValue),
            "instance_id": .string(instance.endpoint.instanceID), "method_full_name": .string(method.descriptor.fullName),
            "descriptor_version": .string(service.record.descriptorVersion), "descriptor_sha256": .string(service.record.descriptorSHA256),
            "request_message_full_name": .string(method.descriptor.inputType),
            "response_message_full_name": .string(method.descriptor.outputType),
            "backend_instance_status": .string(status),
        ]
    }

    /// `text/markdown` body.
    var markdown: String {
        let record = capset.record
        let document = json
        var out = "# Catalog: \(record.id)" + (record.name.isEmpty || record.name == record.id ? "" : " / \(record.name)") + "\n\n"
        if !record.description.isEmpty { out += record.description + "\n\n" }
        out += """
            ## Schema Discovery

            - gRPC: server reflection (`grpc.reflection.v1` and `v1alpha`) with metadata `x-octobus-capset: \(record.id)`.
            - Connect RPC: OpenAPI at `/capsets/\(record.id)/openapi.json` (or `.yaml`).
            - MCP: `tools/list` at `/capsets/\(record.id)/mcp`.


            """
        func cell(_ text: String) -> String { text.replacingPipes() }
        func table(_ title: String, _ header: [String], _ rows: [[String]]) {
            out += "## \(title)\n\n"
            guard !rows.isEmpty else {
                out += "No entries.\n\n"
                return
            }
            out += "| " + header.joined(separator: " | ") + " |\n"
            out += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
            for row in rows { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
            out += "\n"
        }
        func items(_ key: String) -> [JSONObject] { document[key]?.arrayValue?.compactMap(\.objectValue) ?? [] }
        func text(_ item: JSONObject, _ key: String) -> String { item[key]?.stringValue ?? "" }
        func response(_ item: JSONObject) -> String {
            (item["server_streaming"]?.boolValue == true ? "stream " : "") + "`\(text(item, "response_message_full_name"))`"
        }
        if selection.grpc {
            table("gRPC", ["Method", "Metadata", "Request", "Response"], items("grpc").map { item in
                ["`\(text(item, "method_path"))`", "`x-octobus-capset: \(record.id)`, `x-octobus-instance: \(text(item, "instance_id"))`",
                 "`\(text(item, "request_message_full_name"))`", "`\(text(item, "response_message_full_name"))`"]
            })
        }
        if selection.mcp {
            table("MCP", ["Endpoint", "Tool", "Method", "Request", "Response"], items("mcp").map { item in
                ["`\(text(item, "endpoint"))`", "`\(text(item, "tool_name"))`", "`\(text(item, "method_full_name"))`",
                 "`\(text(item, "request_message_full_name"))`", response(item)]
            })
        }
        if selection.connect {
            table("Connect RPC", ["Endpoint", "OpenAPI", "Procedure", "Request", "Response"], items("connect_rpc").map { item in
                ["`POST \(text(item, "endpoint"))`", "`\(text(item, "openapi_url"))`", "`\(text(item, "procedure"))`",
                 "`\(text(item, "request_message_full_name"))`", response(item)]
            })
        }
        return out
    }
}

extension String {
    /// Escapes `|` for a Markdown table cell.
    fileprivate func replacingPipes() -> String {
        var out = ""
        for character in self { out += character == "|" ? "\\|" : String(character) }
        return out
    }
}
