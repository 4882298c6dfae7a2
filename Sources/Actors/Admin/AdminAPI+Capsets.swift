import Protocols
import Runtime

/// `/admin/v1/capsets…` (SPEC §6): capsets, their instance and method bindings, and tokens.
extension AdminAPI {
    var capsetRoutes: [AdminRoute] {
        [
            AdminRoute("GET", "capsets", .async { [store] _ throws(AdminError) in
                let all = try await storeCall { try await store.capsets() }
                return .json(200, .object(["capsets": .array(all.map(\.json))]))
            }),
            AdminRoute("POST", "capsets", .async { [capsets, logger] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["id", "name", "description"])
                let id = try body.string("id")?.trimmingASCIIWhitespace() ?? ""
                guard !id.isEmpty else { throw AdminError.badRequest("capset id is required") }
                try Identifier.validate(id, kind: "capset")
                let name = try body.string("name")?.trimmingASCIIWhitespace() ?? ""
                var record = CapsetRecord(id: id, name: name.isEmpty ? id : name)
                record.description = try body.string("description") ?? ""
                let created = try await capsets.create(record)
                logger.info("capset_created", ["capset_id": id])
                return .json(200, created.json)
            }),
            AdminRoute("GET", "capsets/{id}", .async { [store] call throws(AdminError) in
                guard let record = try await storeCall({ try await store.capset(id: call.parameters[0]) }) else {
                    throw AdminError.notFound("capset not found")
                }
                return .json(200, record.json)
            }),
            AdminRoute("PATCH", "capsets/{id}", .async { [capsets, store] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["name", "description", "enabled"])
                let name = try body.string("name")?.trimmingASCIIWhitespace()
                if let name, name.isEmpty { throw AdminError.badRequest("capset name is required") }
                let description = try body.string("description")
                let enabled = try body.bool("enabled")
                let id = call.parameters[0]
                let updated = try await capsets.actor(id).change { () throws(AdminError) -> CapsetRecord in
                    guard let record = try await storeCall({
                        try await store.updateCapset(id: id, name: name, description: description, enabled: enabled)
                    }) else { throw AdminError.notFound("capset not found") }
                    return record
                }
                return .json(200, updated.json)
            }),
            AdminRoute("DELETE", "capsets/{id}", .async { [capsets, logger] call throws(AdminError) in
                try await capsets.delete(call.parameters[0])
                logger.info("capset_deleted", ["capset_id": call.parameters[0]])
                return .json(200, .object(["deleted": .bool(true), "capset_id": .string(call.parameters[0])]))
            }),
        ] + capsetBindingRoutes + capsetTokenRoutes
    }

    private var capsetBindingRoutes: [AdminRoute] {
        [
            AdminRoute("GET", "capsets/{id}/instances", .async { [capsets, store] call throws(AdminError) in
                _ = try await capsets.actor(call.parameters[0])
                let bound = try await storeCall { try await store.capsetInstances(capsetID: call.parameters[0]) }
                return .json(200, .object(["instances": .array(bound.map(\.json))]))
            }),
            AdminRoute("POST", "capsets/{id}/instances", .async { [capsets, store] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["instance_id", "all_methods", "no_all_methods"])
                guard let instanceID = try body.string("instance_id"), !instanceID.isEmpty else {
                    throw AdminError.badRequest("instance_id is required")
                }
                let actor = try await capsets.actor(call.parameters[0])
                guard let instance = try await storeCall({ try await store.instance(id: instanceID) }) else {
                    throw AdminError.notFound("instance not found")
                }
                guard let service = try await storeCall({ try await store.service(id: instance.serviceID) }) else {
                    throw AdminError.internalError("service \"\(instance.serviceID)\" of instance \"\(instanceID)\" is missing")
                }
                // SPEC §6: include_all = !no_all_methods && (all_methods absent || all_methods).
                let noAllMethods = try body.bool("no_all_methods") ?? false
                let allMethods = try body.bool("all_methods") ?? true
                let includeAll = !noAllMethods && allMethods
                let binding = try await actor.addInstance(instance, service: service, includeAll: includeAll)
                return .json(200, binding.json)
            }),
            AdminRoute("DELETE", "capsets/{id}/instances/{iid}", .async { [capsets] call throws(AdminError) in
                try await capsets.actor(call.parameters[0]).removeInstance(call.parameters[1])
                return .json(200, .object(["deleted": .bool(true), "capset_id": .string(call.parameters[0]),
                                           "instance_id": .string(call.parameters[1])]))
            }),
            AdminRoute("GET", "capsets/{id}/methods", .async { [capsets, store] call throws(AdminError) in
                _ = try await capsets.actor(call.parameters[0])
                let methods = try await storeCall { try await store.capsetMethods(capsetID: call.parameters[0]) }
                return .json(200, .object(["methods": .array(methods.map(\.json))]))
            }),
            AdminRoute("POST", "capsets/{id}/methods", .async { [capsets, store] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["instance_id", "method", "mcp_tool"])
                guard let instanceID = try body.string("instance_id"), !instanceID.isEmpty,
                      var method = try body.string("method")?.trimmingASCIIWhitespace(), !method.isEmpty else {
                    throw AdminError.badRequest("instance_id and method are required")
                }
                if method.hasPrefix("/") { method.removeFirst() }
                let capsetID = call.parameters[0]
                let actor = try await capsets.actor(capsetID)
                guard let instance = try await storeCall({ try await store.instance(id: instanceID) }) else {
                    throw AdminError.notFound("instance not found")
                }
                guard let service = try await storeCall({ try await store.service(id: instance.serviceID) }),
                      let record = service.method(method) else {
                    throw AdminError.badRequest("method is not a service method")
                }
                let unary = record["unary"]?.boolValue ?? false
                var tool = try body.string("mcp_tool")?.trimmingASCIIWhitespace() ?? ""
                if !tool.isEmpty {
                    guard unary else {
                        // Server-streaming methods are tools too, but only under their default name.
                        throw AdminError.badRequest(record["server_streaming"]?.boolValue == true && record["client_streaming"]?.boolValue != true
                            ? "mcp_tool names unary methods only; a server-streaming method is the MCP tool "
                                + "\(MCPToolName.defaultName(serviceID: service.id, instanceID: instanceID, method: record["name"]?.stringValue ?? method)); omit mcp_tool"
                            : "client- and bidi-streaming methods are not MCP tools; omit mcp_tool")
                    }
                    try CapsetDefaults.validateToolName(tool)
                } else if unary {
                    tool = MCPToolName.defaultName(serviceID: service.id, instanceID: instanceID,
                                                   method: record["name"]?.stringValue ?? method)
                }
                try await actor.selectMethod(CapsetMethodRecord(capsetID: capsetID, instanceID: instanceID,
                                                                methodFullName: method, mcpToolName: tool))
                return .json(200, .object(["capset_instance_id": .string("\(capsetID):\(instanceID)"), "method": .string(method),
                                           "mcp_tool": .string(tool)]))
            }),
            AdminRoute("DELETE", "capsets/{id}/methods", .async { [capsets] call throws(AdminError) in
                guard let instanceID = call.queryValue("instance_id"), !instanceID.isEmpty,
                      var method = call.queryValue("method"), !method.isEmpty else {
                    throw AdminError.badRequest("instance_id and method are required")
                }
                if method.hasPrefix("/") { method.removeFirst() }
                try await capsets.actor(call.parameters[0]).unselectMethod(instanceID: instanceID, method: method)
                return .json(200, .object(["deleted": .bool(true), "capset_id": .string(call.parameters[0]),
                                           "instance_id": .string(instanceID), "method": .string(method)]))
            }),
        ]
    }

    private var capsetTokenRoutes: [AdminRoute] {
        let operations = { @Sendable (capsetID: String) async throws(AdminError) -> TokenOperations in
            let actor = try await capsets.actor(capsetID)
            return TokenOperations(store: store, scope: .capset(capsetID)) { try await actor.reload() }
        }
        return [
            AdminRoute("GET", "capsets/{id}/tokens", .async { call throws(AdminError) in
                .json(200, .object(["tokens": .array(try await operations(call.parameters[0]).list().map(\.json))]))
            }),
            AdminRoute("POST", "capsets/{id}/tokens", .async { [logger] call throws(AdminError) in
                let record = try await operations(call.parameters[0]).add(body: call.body)
                logger.info("capset_token_added", ["capset_id": call.parameters[0], "token_id": record.id])
                return .json(200, record.json)
            }),
            AdminRoute("DELETE", "capsets/{id}/tokens/{tid}", .async { [logger] call throws(AdminError) in
                try await operations(call.parameters[0]).delete(id: call.parameters[1])
                logger.info("capset_token_deleted", ["capset_id": call.parameters[0], "token_id": call.parameters[1]])
                return .json(200, .object(["deleted": .bool(true), "capset_id": .string(call.parameters[0]),
                                           "token_id": .string(call.parameters[1])]))
            }),
        ]
    }
}
