import Protocols
import Runtime

/// The package's entry point from the root `package.json` `bin` (SPEC §2.2).
enum PackageEntry {
    /// Returns the package-relative entry path (e.g. `bin/calculator.js`).
    /// `requireExists` checks that it is a regular file in `packageDir`.
    static func resolve(packageDir: String, serviceName: String, requireExists: Bool = true) throws(ImportError) -> String {
        let manifest = try PackageJSON.load(packageDir)
        let target: String
        switch manifest["bin"] {
        case .string(let path)?:
            target = path
        case .object(let object)?:
            guard let entry = object[serviceName] else {
                throw ImportError("package.json bin missing entry for service \"\(serviceName)\"")
            }
            guard let path = entry.stringValue else { throw ImportError("package.json bin entry for \"\(serviceName)\" must be a string") }
            target = path
        default:
            throw ImportError("package.json bin is required")
        }
        let relative = try PackagePath.validate(target, what: "package.json bin target")
        if requireExists, !FileSystem.isRegularFile(packageDir + "/" + relative) {
            throw ImportError("package.json bin target does not exist")
        }
        return relative
    }

    /// Every `bin` target (for the "exists" check of the build step).
    static func allTargets(packageDir: String) -> [String] {
        guard let manifest = try? PackageJSON.load(packageDir) else { return [] }
        switch manifest["bin"] {
        case .string(let path)?: return [path]
        case .object(let object)?: return object.compactMap { $0.value.stringValue }
        default: return []
        }
    }
}

/// Reading `package.json`.
enum PackageJSON {
    static func load(_ packageDir: String) throws(ImportError) -> JSONObject {
        let path = packageDir + "/package.json"
        guard FileSystem.isRegularFile(path) else { throw ImportError("package.json not found in the package") }
        do {
            guard let object = try JSONParser.parse(FileSystem.readFile(path, limit: 4 << 20)).objectValue else {
                throw ImportError("invalid package.json: must be a JSON object")
            }
            return object
        } catch let error as ImportError {
            throw error
        } catch {
            throw ImportError("invalid package.json: \(error)")
        }
    }

    /// `dependencies` as name → spec.
    static func dependencies(_ manifest: JSONObject) -> [(String, String)] {
        manifest["dependencies"]?.objectValue?.compactMap { entry in entry.value.stringValue.map { (entry.key, $0) } } ?? []
    }

    /// The first non-empty of `prepack`, `prepare`, `build` scripts (SPEC §3.2).
    static func buildScript(_ manifest: JSONObject) -> String? {
        let scripts = manifest["scripts"]?.objectValue
        for name in ["prepack", "prepare", "build"] {
            if let script = scripts?[name]?.stringValue, !script.trimmingASCIIWhitespace().isEmpty { return name }
        }
        return nil
    }
}
