import ArgumentParser
import Protocols
import Runtime

struct ServiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service",
        abstract: "Import and manage service packages.",
        subcommands: [ServiceImport.self, ServiceList.self, ServiceGet.self, ServiceUpdate.self, ServiceDelete.self])
}

struct ServiceImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a service package (or every service of a package with --recursive).",
        discussion: """
        SOURCE is a local directory, a local .tgz/.zip, an http(s) URL of a .tgz/.zip, npm:<spec>, or an \
        HTTPS Git remote https://[user[:pass]@]host/repo[.git][//subdir][@ref] (ref: tag, branch or commit; \
        default: the highest vX.Y.Z tag). Local and npm sources may end with //<dir> to select the service root \
        (with --recursive: the directory to scan). Progress goes to stderr, the result to stdout.

        An import runs none of the package's code unless --allow-scripts is given: npm runs with \
        --ignore-scripts (no preinstall/install/postinstall/prepare of the package or its dependencies), \
        the package's own .npmrc is ignored, and a package whose bin targets need a build script is refused.
        """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Service id (omit with --recursive), then SOURCE.") var arguments: [String] = []
    @Flag(help: "Import every service root found in the package (ids from service.json names).") var recursive = false
    @Option(help: "Display name (default: the current name, else service.json displayName or name).") var name: String?
    @Option(help: "Build policy for local directories and Git: auto, always or never.") var build = "auto"
    @Flag(help: "Do not contact the npm registry (npm --offline).") var offline = false
    @Flag(help: "Reinstall production dependencies in the runtime directory.") var reinstall = false
    @Flag(help: "Run the package's npm lifecycle and build scripts (and its dependencies'), and honour its .npmrc.")
    var allowScripts = false
    @Option(help: ArgumentHelp("Where a dependency on @chaitin-ai/octobus-sdk comes from: bundled (the daemon's own SDK, "
                               + "for any version range of the API it implements) or registry (npm installs it).", valueName: "bundled|registry"))
    var sdk = "bundled"

    func run() throws {
        let client = try CLIRun.client(global)
        do {
            let (serviceID, source): (String?, String)
            if recursive {
                guard arguments.count == 1 else { throw CLIError(arguments.isEmpty ? "source is required" : "--recursive takes only SOURCE (service ids come from service.json)") }
                if name != nil { throw CLIError("--name cannot be used with --recursive") }
                (serviceID, source) = (nil, arguments[0])
            } else {
                guard arguments.count >= 1 else { throw CLIError("service id is required") }
                guard arguments.count == 2 else { throw CLIError(arguments.count < 2 ? "source is required" : "too many arguments") }
                (serviceID, source) = (arguments[0], arguments[1])
            }
            var body: JSONObject = ["source": .string(Self.absolutizeLocal(source)), "build": .string(build),
                                    "offline": .bool(offline), "reinstall": .bool(reinstall), "recursive": .bool(recursive),
                                    "allow_scripts": .bool(allowScripts), "sdk": .string(sdk)]
            if let serviceID { body["service_id"] = .string(serviceID) }
            if let name { body["name"] = .string(name) }
            var complete: JSONValue?
            var failure: String?
            _ = try client.call("POST", "/services/import", json: .object(body), accept: "application/x-ndjson",
                                timeoutSeconds: 0) { line in
                guard !line.trimmingASCIIWhitespace().isEmpty, let event = try? JSONParser.parse(line) else { return }
                switch event["type"]?.stringValue {
                case "status":
                    var prefix = ""
                    if let current = event["current"]?.int64Value, let total = event["total"]?.int64Value { prefix += "[\(current)/\(total)] " }
                    if let id = event["service_id"]?.stringValue {
                        prefix += "\(id): "
                    } else if let package = event["package"]?.stringValue {
                        prefix += "\(package): "
                    }
                    let stage = event["stage"]?.stringValue ?? ""
                    Output.writeStderr("\(prefix)\(stage): \(event["message"]?.stringValue ?? "")\n")
                case "error":
                    failure = event["error"]?.stringValue ?? "import failed"
                case "complete":
                    complete = event
                default:
                    break
                }
            }
            if let failure { throw CLIError("import failed: \(failure)") }
            guard case .object(var result)? = complete else { throw CLIError("import ended without a result") }
            let degraded = result["status"]?.stringValue == "degraded"
            for key in ["type", "stage", "message", "error", "current", "total", "service_id"] { result[key] = nil }
            if !degraded { result["status"] = nil }
            Output.printJSON(.object(result))
            let failed = result["failed"]?.arrayValue ?? []
            if !failed.isEmpty {
                let imported = result["services"]?.arrayValue?.count ?? 0
                var summary = "imported \(imported) services; not imported:\n"
                for item in failed {
                    let id = item["service_id"]?.stringValue.map { " (\($0))" } ?? ""
                    summary += "  \(item["package"]?.stringValue ?? "")\(id): \(item["error"]?.stringValue ?? "")\n"
                }
                Output.writeStderr(summary)
            }
            if degraded {
                if result["restart_errors"].map(Self.hasRestartErrors) ?? false {
                    Output.writeStderr("import completed but some instances failed to restart\n")
                }
                throw ExitCode(1)
            }
        } catch let error as CLIError {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }

    /// Whether `restart_errors` (a list, or per-service lists for recursive imports) holds any error.
    static func hasRestartErrors(_ value: JSONValue) -> Bool {
        if let list = value.arrayValue { return !list.isEmpty }
        return value.objectValue?.contains { !($0.value.arrayValue ?? []).isEmpty } ?? false
    }

    /// Existing relative local paths (also after `npm:`) become absolute: the daemon's cwd differs.
    static func absolutizeLocal(_ source: String) -> String {
        var prefix = ""
        var rest = source
        if rest.hasPrefix("npm:") {
            prefix = "npm:"
            rest = String(rest.dropFirst(4))
        }
        guard !rest.contains("://"), !rest.hasPrefix("/") else { return source }
        var base = rest
        var suffix = ""
        if let range = rest.firstRange(of: "//") {
            base = String(rest[..<range.lowerBound])
            suffix = String(rest[range.lowerBound...])
        }
        guard FileSystem.exists(base) else { return source }
        return prefix + FileSystem.absolutePath(base) + suffix
    }
}

struct ServiceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List imported services.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try CLIRun.json(global) { try $0.callJSON("GET", "/services") } }
}

struct ServiceGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one service.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Service id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { client in
            try client.callJSON("GET", "/services/" + (try CLIRun.required(id, "service")))
        }
    }
}

struct ServiceUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename a service.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Service id.") var id: String?
    @Option(help: "New display name.") var name: String?
    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "service")
            guard let name, !name.isEmpty else { throw CLIError("--name is required") }
            return try client.callJSON("PATCH", "/services/" + id, json: .object(["name": .string(name)]))
        }
    }
}

struct ServiceDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a service (refused while instances use it).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Service id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { client in
            try client.callJSON("DELETE", "/services/" + (try CLIRun.required(id, "service")))
        }
    }
}
