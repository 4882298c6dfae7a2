import Protocols

/// How the build step treats local-directory and Git sources (SPEC §3.2).
enum BuildPolicy: String, Sendable {
    case auto, always, never
}

/// The body of `POST /admin/v1/services/import` (SPEC §3; strict).
struct ImportRequest: Sendable {
    var serviceID: String?
    var name: String?
    var source: String
    var offline = false
    var reinstall = false
    var build = BuildPolicy.auto
    var recursive = false
    /// Run npm lifecycle scripts and build scripts (the package's and its dependencies'),
    /// and honour the package's `.npmrc`. Off by default: an import runs no package code.
    var allowScripts = false
    /// Where a dependency on `@chaitin-ai/octobus-sdk` comes from (``SDKRule``).
    var sdk = SDKPolicy.bundled

    init(source: String) {
        self.source = source
    }

    static func decode(_ body: [UInt8]) throws(AdminError) -> ImportRequest {
        let fields = try StrictBody.decode(
            body, allowed: ["service_id", "name", "source", "offline", "reinstall", "build", "recursive", "allow_scripts", "sdk"])
        let source = try fields.string("source") ?? ""
        guard !source.isEmpty else { throw AdminError.badRequest("source is required") }
        var request = ImportRequest(source: source)
        request.serviceID = try fields.string("service_id").flatMap { $0.isEmpty ? nil : $0 }
        request.name = try fields.string("name").flatMap { $0.isEmpty ? nil : $0 }
        request.offline = try fields.bool("offline") ?? false
        request.reinstall = try fields.bool("reinstall") ?? false
        request.recursive = try fields.bool("recursive") ?? false
        request.allowScripts = try fields.bool("allow_scripts") ?? false
        if let sdk = try fields.string("sdk"), !sdk.isEmpty {
            guard let policy = SDKPolicy(rawValue: sdk) else {
                throw AdminError.badRequest("invalid sdk \"\(sdk)\": must be bundled or registry")
            }
            request.sdk = policy
        }
        if let build = try fields.string("build"), !build.isEmpty {
            guard let policy = BuildPolicy(rawValue: build) else {
                throw AdminError.badRequest("invalid build policy \"\(build)\": must be auto, always, or never")
            }
            request.build = policy
        }
        if request.recursive {
            if request.serviceID != nil { throw AdminError.badRequest("service_id must not be given with recursive import") }
            if request.name != nil { throw AdminError.badRequest("name must not be given with recursive import") }
        } else {
            guard let id = request.serviceID else { throw AdminError.badRequest("service id is required") }
            try Identifier.validate(id, kind: "service")
        }
        return request
    }
}
