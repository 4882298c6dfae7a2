import Protocols
import Runtime

/// Finds the OctoBus Node SDK (`@chaitin-ai/octobus-sdk`) that ships with the daemon: the one
/// directory outside a package that the package's `file:` dependencies may name (the examples
/// depend on it as `file:../../sdk`), and the SDK an import installs for a package that
/// depends on `@chaitin-ai/octobus-sdk` by version (``SDKRule``). The daemon knows it from
/// where it is installed (`scripts/build.sh` puts a copy beside the binary), never from
/// anything a package says.
enum BundledSDK {
    static let packageName = "@chaitin-ai/octobus-sdk"
    /// Levels above the executable's directory searched for an `sdk/` directory.
    static let maximumParentLevels = 4

    /// What the daemon knows about the SDK it ships.
    struct Info: Sendable {
        /// Real path of the SDK directory.
        var directory: String
        var version: SemanticVersion
        /// The upstream SDK versions whose API this SDK implements: its package.json
        /// `octobus.implements` (e.g. `^0.5.0 || ^0.6.0`), else `^<its version>`.
        var implements: VersionRange
    }

    /// Reads the SDK at `directory` (a real path from ``locate(environment:executable:configured:)``).
    static func info(_ directory: String) -> Info? {
        guard let manifest = try? PackageJSON.load(directory), manifest["name"]?.stringValue == packageName,
              let versionText = manifest["version"]?.stringValue, let version = SemanticVersion(parsing: versionText)
        else { return nil }
        let declared = manifest["octobus"]?["implements"]?.stringValue.flatMap(VersionRange.init(parsing:))
        guard let implements = declared ?? VersionRange(parsing: "^" + version.description) else { return nil }
        return Info(directory: directory, version: version, implements: implements)
    }

    /// The SDK's real path: `configured` (`octobus serve --sdk-dir`) or `$OCTOBUS_SDK_DIR`
    /// when set (it must hold the SDK), else the first
    /// `sdk/` directory holding the SDK's package.json in the executable's directory or up to
    /// four levels above it (a source checkout's `.build/<triple>/release/octobus` finds
    /// `<checkout>/sdk`), else `<prefix>/share/octobus/sdk` for a binary in `<prefix>/bin`.
    static func locate(environment: [String: String], executable: String?, configured: String? = nil) -> String? {
        if let configured = configured ?? environment["OCTOBUS_SDK_DIR"], !configured.isEmpty {
            return isSDK(configured) ? FileSystem.realPath(configured) : nil
        }
        guard let executable else { return nil }
        var directory = FileSystem.clean(executable + "/..")
        var candidates: [String] = []
        for _ in 0...maximumParentLevels {
            candidates.append(directory + "/sdk")
            if directory == "/" { break }
            directory = FileSystem.clean(directory + "/..")
        }
        candidates.append(FileSystem.clean(executable + "/../../share/octobus/sdk"))
        return candidates.first(where: isSDK).flatMap(FileSystem.realPath)
    }

    /// Whether `directory` holds a package.json naming the SDK.
    static func isSDK(_ directory: String) -> Bool {
        guard FileSystem.isDirectory(directory), let manifest = try? PackageJSON.load(directory) else { return false }
        return manifest["name"]?.stringValue == packageName
    }
}
