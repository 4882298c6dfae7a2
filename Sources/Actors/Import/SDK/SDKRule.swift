import Protocols
import Runtime

/// Which SDK an import gives a package that depends on `@chaitin-ai/octobus-sdk` (request
/// field `sdk`, `octobus service import --sdk`).
enum SDKPolicy: String, Sendable {
    /// The SDK that ships with the daemon stands in for any version range of the API it
    /// implements (the default): no registry is needed for it.
    case bundled
    /// npm installs the declared range like any other dependency.
    case registry
}

/// Where a service's SDK came from; recorded on the service (`SDK` in `service get`).
enum SDKSource: Sendable, Equatable {
    /// The package does not depend on the SDK.
    case none
    /// The daemon's own SDK, at this version.
    case bundled(String)
    /// Installed by npm from the registry (or its cache); the version npm chose, if known.
    case registry(String?)
    /// Shipped by the package itself: in its `node_modules` (bundled dependencies) or as a
    /// local dependency inside the package.
    case vendored(String?)

    var isBundled: Bool {
        if case .bundled = self { return true }
        return false
    }

    /// The stored and displayed form: `bundled 0.6.1`, `registry 0.5.3`, `vendored`, or "".
    var recorded: String {
        switch self {
        case .none: ""
        case .bundled(let version): "bundled \(version)"
        case .registry(let version): version.map { "registry \($0)" } ?? "registry"
        case .vendored(let version): version.map { "vendored \($0)" } ?? "vendored"
        }
    }
}

/// The rule that decides ``SDKSource`` for a package, before anything is installed:
///
/// 1. No SDK dependency (in `dependencies`, `optionalDependencies` or `peerDependencies`):
///    nothing to do.
/// 2. The package ships it in `node_modules` (e.g. `octobus-sdk pack --bundle-deps`): that copy
///    is used as is, whatever the policy.
/// 3. A local-path spec: the bundled SDK when it names the daemon's SDK directory (the
///    examples' `file:../../sdk`), else the package's own copy (vendored).
/// 4. `--sdk registry`: npm installs the declared spec.
/// 5. Otherwise the bundled SDK is used when the declared range shares a version with the
///    range of upstream versions the bundled SDK implements (its package.json
///    `octobus.implements`; `^0.5.0 || ^0.6.0` for 0.6.1), or is satisfied by its own
///    version; `latest`, `*` and `""` accept it too. Upstream packages declare `^0.5.0`,
///    which semver alone would not let 0.6.1 satisfy, but 0.6.1 implements that API. Any
///    other range, a dist-tag, a URL or a Git spec is an error naming both versions and the
///    way out (`--sdk registry`, or vendoring the SDK).
enum SDKRule {
    /// The dependency sections npm installs for a production runtime, where the SDK may be declared.
    static let sections = ["dependencies", "optionalDependencies", "peerDependencies"]

    /// The declared SDK spec and its section, if any.
    static func declaredSpec(_ manifest: JSONObject) -> String? {
        for section in sections {
            if let spec = manifest[section]?[BundledSDK.packageName]?.stringValue { return spec }
        }
        return nil
    }

    /// Decides the SDK for a package. `vendoredVersion` is the version of the SDK the package
    /// ships in `node_modules` ("" when its package.json has none), nil when it ships none;
    /// `localPath` is where a local-path spec resolved (``LocalDependencies``), if it is one.
    static func decide(manifest: JSONObject, policy: SDKPolicy, bundled: BundledSDK.Info?, vendoredVersion: String?,
                       localPath: String?) throws(ImportError) -> SDKSource {
        guard let spec = declaredSpec(manifest) else { return .none }
        if let vendoredVersion { return .vendored(vendoredVersion.isEmpty ? nil : vendoredVersion) }
        if let localPath {
            if let bundled, localPath == bundled.directory { return .bundled(bundled.version.description) }
            return .vendored(nil)
        }
        if policy == .registry { return .registry(nil) }
        let name = BundledSDK.packageName
        guard let bundled else {
            throw ImportError("the package depends on \(name)@\(spec) and this daemon has no bundled SDK "
                              + "(octobus serve --sdk-dir or OCTOBUS_SDK_DIR): import with --sdk registry to install it with npm, "
                              + "or ship it in the package's node_modules (octobus-sdk pack --bundle-deps)")
        }
        let trimmed = spec.trimmingASCIIWhitespace()
        let accepted: Bool
        if trimmed == "latest" {
            accepted = true
        } else if let range = VersionRange(parsing: trimmed) {
            accepted = range.isSatisfied(by: bundled.version) || range.intersects(bundled.implements)
        } else {
            throw ImportError("the package depends on \(name)@\"\(spec)\", which is not a version range; the bundled SDK "
                              + "\(bundled.version) stands in only for version ranges: import with --sdk registry to let npm fetch it, "
                              + "or ship it in the package's node_modules (octobus-sdk pack --bundle-deps)")
        }
        guard accepted else {
            throw ImportError("the package depends on \(name)@\(spec), which the bundled SDK \(bundled.version) "
                              + "(implements \(bundled.implements)) cannot satisfy: import with --sdk registry to install \(spec) "
                              + "from the npm registry, or ship it in the package's node_modules (octobus-sdk pack --bundle-deps)")
        }
        return .bundled(bundled.version.description)
    }
}
