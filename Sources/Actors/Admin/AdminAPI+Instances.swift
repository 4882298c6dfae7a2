import Protocols
import Runtime

extension AdminAPI {
    var instanceRoutes: [AdminRoute] {
        [
            AdminRoute("GET", "instances", .async { [store] _ throws(AdminError) in
                let instances = try await storeCall { try await store.instances() }
                return .json(200, .object(["instances": .array(instances.map(\.json))]))
            }),
            AdminRoute("POST", "instances", .async { [instances] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["id", "service_id", "name", "config", "secret", "start"])
                guard let id = try body.string("id"), !id.isEmpty else { throw AdminError.badRequest("instance id is required") }
                let request = InstanceOperations.CreateRequest(
                    id: id, serviceID: try body.string("service_id") ?? "", name: try body.string("name"),
                    config: body.raw("config"), secret: body.raw("secret"), start: try body.bool("start") ?? false)
                return .json(200, try await instances.create(request).json)
            }),
            AdminRoute("GET", "instances/{id}", .async { [store] call throws(AdminError) in
                guard let record = try await storeCall({ try await store.instance(id: call.parameters[0]) }) else {
                    throw AdminError.notFound("instance not found")
                }
                return .json(200, record.json)
            }),
            AdminRoute("PATCH", "instances/{id}", .async { [instances] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["name"])
                return .json(200, try await instances.rename(id: call.parameters[0], name: try body.string("name") ?? "").json)
            }),
            AdminRoute("DELETE", "instances/{id}", .async { [instances] call throws(AdminError) in
                try await instances.delete(id: call.parameters[0])
                return .json(200, .object(["deleted": .bool(true), "instance_id": .string(call.parameters[0])]))
            }),
            AdminRoute("POST", "instances/{id}/{action}", .async { [instances] call throws(AdminError) in
                let id = call.parameters[0]
                switch call.parameters[1] {
                case "start", "stop", "restart":
                    return .json(200, try await instances.control(id: id, InstanceOperations.Action(rawValue: call.parameters[1])!).json)
                case "config", "secret":
                    let kind = call.parameters[1]
                    let body = try StrictBody.decode(call.body, allowed: [kind, "restart"])
                    let value = body.raw(kind) ?? .object([:])
                    let record = try await instances.update(id: id, config: kind == "config" ? value : nil,
                                                            secret: kind == "secret" ? value : nil,
                                                            restart: try body.bool("restart") ?? false)
                    return .json(200, record.json)
                default:
                    throw AdminError.notFound("unknown instance action")
                }
            }),
        ]
    }
}
