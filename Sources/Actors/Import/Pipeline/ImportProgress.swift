import Protocols

/// The import stages, in order (SPEC §3.5).
enum ImportStage: String, Sendable {
    case prepareSource = "prepare_source"
    case buildPackage = "build_package"
    case validateManifest = "validate_manifest"
    case prepareRuntime = "prepare_runtime"
    case compileDescriptor = "compile_descriptor"
    case commitService = "commit_service"
    case restartInstances = "restart_instances"
}

/// Emits progress events: NDJSON `status` lines to a streaming client, and log lines.
struct ImportProgress: Sendable {
    let emit: @Sendable (JSONValue) -> Void

    static let silent = ImportProgress { _ in }

    func status(_ stage: ImportStage, _ message: String, serviceID: String? = nil, current: Int? = nil, total: Int? = nil) {
        var object: JSONObject = ["type": .string("status"), "stage": .string(stage.rawValue), "message": .string(message)]
        if let serviceID, !serviceID.isEmpty { object["service_id"] = .string(serviceID) }
        if let current { object["current"] = .int(current) }
        if let total { object["total"] = .int(total) }
        emit(.object(object))
    }
}
