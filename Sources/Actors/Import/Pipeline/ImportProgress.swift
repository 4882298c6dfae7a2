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
///
/// A recursive import of a directory of packages adds fields to SPEC §3.5's `status` events
/// (never changes them): `package` (the package's directory, relative to the scan root) and,
/// when a package or service failed at that stage, `error`.
struct ImportProgress: Sendable {
    let emit: @Sendable (JSONValue) -> Void
    /// Fields added to every event (``scoped(package:current:total:)``).
    var context = JSONObject()

    init(emit: @escaping @Sendable (JSONValue) -> Void) {
        self.emit = emit
    }

    static let silent = ImportProgress { _ in }

    /// This progress with `package`, `current` and `total` added to every event that does not set them.
    func scoped(package: String, current: Int, total: Int) -> ImportProgress {
        var copy = self
        copy.context["package"] = .string(package)
        copy.context["current"] = .int(current)
        copy.context["total"] = .int(total)
        return copy
    }

    func status(_ stage: ImportStage, _ message: String, serviceID: String? = nil, current: Int? = nil, total: Int? = nil,
                error: String? = nil) {
        var object: JSONObject = ["type": .string("status"), "stage": .string(stage.rawValue), "message": .string(message)]
        if let serviceID, !serviceID.isEmpty { object["service_id"] = .string(serviceID) }
        if let current { object["current"] = .int(current) }
        if let total { object["total"] = .int(total) }
        if let error { object["error"] = .string(error) }
        for (key, value) in context where object[key] == nil { object[key] = value }
        emit(.object(object))
    }
}
