import Protocols
import Runtime

/// A validated `service.json` (SPEC §2.1).
struct ServiceManifest: Sendable {
    static let schemaID = "chaitin.octobus.service.v1"

    var name: String
    var displayName: String?
    var description: String?
    var runtimeMode: RuntimeMode
    var protoRoots: [String]
    var protoFiles: [String]
    /// Paths relative to the service root.
    var configSchema: String?
    var secretSchema: String?

    /// Reads and validates `<serviceRoot>/service.json`.
    static func load(serviceRoot: String) throws(ImportError) -> ServiceManifest {
        let path = serviceRoot + "/service.json"
        guard FileSystem.isRegularFile(path) else {
            throw ImportError("service.json not found in service root \"\(serviceRoot)\"")
        }
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readFile(path, limit: 1 << 20)
        } catch {
            throw ImportError("read service.json: \(error)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw ImportError("invalid service.json: \(error)")
        }
        let manifest = try parse(json)
        try manifest.checkFiles(serviceRoot: serviceRoot)
        return manifest
    }

    /// Validates the JSON document (no file-system checks).
    static func parse(_ json: JSONValue) throws(ImportError) -> ServiceManifest {
        guard let object = json.objectValue else { throw ImportError("invalid service.json: must be a JSON object") }
        guard let schema = object["schema"] else { throw ImportError("invalid service.json: schema is required") }
        guard schema.stringValue == schemaID else {
            throw ImportError("invalid service.json: schema must be \"\(schemaID)\"")
        }
        if object["id"] != nil {
            throw ImportError("service manifest must not define id; the service id comes from `octobus service import SERVICE …`")
        }
        if let entry = object["entry"], !entry.isNull, entry.stringValue != "" {
            throw ImportError("service manifest must not define entry; use package.json bin")
        }
        guard let name = object["name"]?.stringValue, !name.trimmingASCIIWhitespace().isEmpty else {
            throw ImportError("invalid service.json: name is required")
        }
        var mode = RuntimeMode.longRunning
        if let runtime = object["runtime"], !runtime.isNull {
            guard let runtimeObject = runtime.objectValue else { throw ImportError("invalid service.json: runtime must be an object") }
            if let modeValue = runtimeObject["mode"], !modeValue.isNull {
                guard let text = modeValue.stringValue else { throw ImportError("invalid service.json: runtime.mode must be a string") }
                if !text.isEmpty {
                    guard let parsed = RuntimeMode(rawValue: text) else {
                        throw ImportError("invalid runtime.mode \"\(text)\": must be long-running or on-demand")
                    }
                    mode = parsed
                }
            }
        }
        guard let proto = object["proto"]?.objectValue else { throw ImportError("invalid service.json: proto is required") }
        let roots = try stringList(proto["roots"], field: "proto.roots")
        let files = try stringList(proto["files"], field: "proto.files")
        func optionalString(_ key: String) throws(ImportError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw ImportError("invalid service.json: \(key) must be a string") }
            return text.isEmpty ? nil : text
        }
        var manifest = ServiceManifest(
            name: name, displayName: try optionalString("displayName"), description: try optionalString("description"),
            runtimeMode: mode,
            protoRoots: try roots.map { (r) throws(ImportError) in try PackagePath.validate(r, what: "proto root") },
            protoFiles: try files.map { (f) throws(ImportError) in try PackagePath.validate(f, what: "proto file") },
            configSchema: nil, secretSchema: nil)
        if let config = try optionalString("configSchema") { manifest.configSchema = try PackagePath.validate(config, what: "configSchema") }
        if let secret = try optionalString("secretSchema") { manifest.secretSchema = try PackagePath.validate(secret, what: "secretSchema") }
        return manifest
    }

    private static func stringList(_ value: JSONValue?, field: String) throws(ImportError) -> [String] {
        guard let items = value?.arrayValue, !items.isEmpty else { throw ImportError("invalid service.json: \(field) must be a non-empty array") }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw ImportError("invalid service.json: \(field) must contain strings") }
            out.append(text)
        }
        return out
    }

    /// Proto files and schemas must exist as regular files inside the service root.
    func checkFiles(serviceRoot: String) throws(ImportError) {
        for root in protoRoots where !FileSystem.isDirectory(serviceRoot + "/" + root) {
            throw ImportError("proto root \"\(root)\" is not a directory in the service root")
        }
        for file in protoFiles where !FileSystem.isRegularFile(serviceRoot + "/" + file) {
            throw ImportError("proto file \"\(file)\" does not exist in the service root")
        }
        for (field, path) in [("configSchema", configSchema), ("secretSchema", secretSchema)] {
            guard let path else { continue }
            let full = serviceRoot + "/" + path
            guard FileSystem.isRegularFile(full), !FileSystem.isSymbolicLink(full) else {
                throw ImportError("\(field) \"\(path)\" must be a regular file inside the service root")
            }
        }
    }
}
