import Protocols
import Runtime
import Synchronization

extension AdminAPI {
    var serviceRoutes: [AdminRoute] {
        [
            AdminRoute("POST", "services/import", .async { [self] call throws(AdminError) in try await importService(call) }),
            AdminRoute("GET", "services", .async { [store] _ throws(AdminError) in
                let services = try await storeCall { try await store.services() }
                return .json(200, .object(["services": .array(services.map(\.json))]))
            }),
            AdminRoute("GET", "services/{id}", .async { [store] call throws(AdminError) in
                guard let service = try await storeCall({ try await store.service(id: call.parameters[0]) }) else {
                    throw AdminError.notFound("service not found")
                }
                return .json(200, service.json)
            }),
            // The compiled descriptor set (protoc's FileDescriptorSet bytes): what a client
            // needs to encode requests for the service's methods (`octobus bench`).
            AdminRoute("GET", "services/{id}/descriptor", .async { [store, pool] call throws(AdminError) in
                guard let service = try await storeCall({ try await store.service(id: call.parameters[0]) }) else {
                    throw AdminError.notFound("service not found")
                }
                let path = service.descriptorPath
                let limit = DescriptorLimits.defaultMaximumBytes
                let bytes = await pool.run { () -> [UInt8]? in try? FileSystem.readFile(path, limit: limit) }
                guard let bytes else { throw AdminError.notFound("service descriptor is missing") }
                return .raw(200, contentType: "application/x-protobuf", body: bytes)
            }),
            AdminRoute("PATCH", "services/{id}", .async { [store] call throws(AdminError) in
                let body = try StrictBody.decode(call.body, allowed: ["name"])
                guard let name = try body.string("name")?.trimmingASCIIWhitespace(), !name.isEmpty else {
                    throw AdminError.badRequest("service name is required")
                }
                guard let service = try await storeCall({ try await store.renameService(id: call.parameters[0], name: name) }) else {
                    throw AdminError.notFound("service not found")
                }
                return .json(200, service.json)
            }),
            AdminRoute("DELETE", "services/{id}", .async { [self] call throws(AdminError) in
                let id = call.parameters[0]
                let result = try await storeCall { try await imports.deleteService(id: id) }
                if let user = result.usedBy { throw AdminError.badRequest("service \"\(id)\" is used by instance \"\(user)\"") }
                guard result.deleted else { throw AdminError.notFound("service not found") }
                if let count = try? await store.serviceCount() { state.serviceCount.store(count, ordering: .relaxed) }
                await routing.servicesChanged()
                logger.info("service_deleted", ["service_id": id])
                return .json(200, .object(["deleted": .bool(true), "service_id": .string(id)]))
            }),
        ]
    }

    /// `POST /services/import`: NDJSON progress when asked (`Accept: application/x-ndjson`),
    /// else one JSON reply; 409 with `"status":"degraded"` when an instance failed to restart.
    private func importService(_ call: AdminCall) async throws(AdminError) -> AdminReply {
        let request = try ImportRequest.decode(call.body)
        let streaming = call.headers["accept"]?.lowercased().contains("application/x-ndjson") == true
        let stream = streaming ? NDJSONStream(call.exchange) : nil
        stream?.begin()
        let logger = self.logger
        let progress = ImportProgress { event in
            stream?.send(event)
            if let stage = event["stage"]?.stringValue {
                logger.info("service_import_stage", ["stage": stage, "message": event["message"]?.stringValue ?? ""])
            }
        }
        logger.info("service_import_started", ["service_id": request.serviceID ?? "(recursive)", "source": RedactedURL.redact(request.source)])
        let outcome: ImportActor.Outcome
        do {
            outcome = try await imports.run(request, progress: progress)
        } catch {
            let message = RedactedURL.redact(error.message)
            logger.warning("service_import_failed", ["service_id": request.serviceID ?? "(recursive)", "error": message])
            if let stream {
                stream.send(.object(["type": .string("error"), "error": .string(message)]))
                stream.finish()
                return .streamed
            }
            throw AdminError.badRequest(message)
        }
        // New descriptors and methods reach the routing table (bindings stay as they were, SPEC §3.4).
        await routing.servicesChanged()
        let committed = outcome.committed
        // Degraded: an instance failed to restart, or some packages of a recursive import failed.
        let degraded = committed.contains { !$0.restartErrors.isEmpty } || !outcome.failures.isEmpty
        var result = JSONObject()
        if request.recursive {
            result["services"] = .array(committed.map { $0.service.json })
            result["service_count"] = .int(committed.count)
            result["restarted_instances"] = .object(JSONObject(committed.map { ($0.service.id, .array($0.restarted.map(JSONValue.string))) }))
            result["restart_errors"] = .object(JSONObject(committed.map { ($0.service.id, .array($0.restartErrors.map(JSONValue.string))) }))
            if !outcome.failures.isEmpty {
                result["failed"] = .array(outcome.failures.map(\.json))
            }
        } else {
            let only = committed[0]
            result["service"] = only.service.json
            result["restarted_instances"] = .array(only.restarted.map(JSONValue.string))
            result["restart_errors"] = .array(only.restartErrors.map(JSONValue.string))
        }
        if let stream {
            var complete: JSONObject = ["type": .string("complete"), "status": .string(degraded ? "degraded" : "ok")]
            for (key, value) in result where key != "service_count" { complete[key] = value }
            stream.send(.object(complete))
            stream.finish()
            return .streamed
        }
        if degraded {
            result["status"] = .string("degraded")
            return .json(409, .object(result))
        }
        return .json(200, .object(result))
    }
}

/// Maps store failures to 500s (admin errors pass through).
func storeCall<T: Sendable>(_ body: @Sendable () async throws -> T) async throws(AdminError) -> T {
    do {
        return try await body()
    } catch let error as AdminError {
        throw error
    } catch {
        throw AdminError.internalError("\(error)")
    }
}
