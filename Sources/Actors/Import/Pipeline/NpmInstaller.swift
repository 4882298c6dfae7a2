import Protocols
import Runtime

/// Installs a package's dependencies into a directory with npm (SPEC §3.2 step 3, §3.3),
/// giving it the daemon's own SDK where ``SDKRule`` says so. The package's package.json is
/// never modified:
///
/// - Local-path dependencies (`"helper": "file:./helper"`, the examples' `file:../../sdk`),
///   checked by ``LocalDependencies``, and the bundled SDK reach npm as explicit
///   `name@file:/absolute/path` arguments of `npm install --no-save`. npm then installs those
///   specs in place of the declared ones (`^0.5.0` is never looked up) and writes neither
///   package.json nor the lock file; `--install-links` makes them copies, so the runtime
///   directory is self-contained. Everything else comes from the user's npm configuration.
/// - The bundled SDK npm copied is then replaced by hard links to the one shared copy
///   (``SDKStore``); a package that needs nothing but the SDK does not run npm at all.
struct NpmInstaller {
    let npm: NpmRunner
    let dependencies: LocalDependencies
    let sdk: SDKSetup

    private var policy: SDKPolicy { sdk.policy }
    private var bundled: BundledSDK.Info? { sdk.bundled }
    private var bundledCopy: String? { sdk.bundledCopy }

    /// What to do for one directory.
    struct Plan: Sendable {
        var sdk: SDKSource
        /// Why npm is not needed, or nil when it is.
        var skipReason: String?
        /// `npm <arguments>` when npm is needed.
        var arguments: [String]
        /// Installs with the same key produce the same node_modules (same specs, no lock file, no
        /// local dependencies, nothing shipped), so one install can serve them all; nil when not shareable.
        var shareKey: String?
        /// Dependencies npm has to provide (for messages: which services a failed one blocks).
        var needed: [String]
        /// The package's own install lifecycle scripts, in npm's order, when the install names
        /// packages explicitly: `npm install <specs>` does not run them as a bare `npm install`
        /// would, so with `allow_scripts` they are run around it.
        var rootScripts: [String] = []
    }

    /// The root package's lifecycle scripts a bare `npm install` runs, in its order; the
    /// first runs before the dependencies are installed, the rest after.
    static let rootLifecycle = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"]

    /// SPEC §3.3: npm is skipped without package.json, when every dependency is already in
    /// node_modules (unless reinstalling), or when a local dependency is missing. The bundled SDK
    /// counts as present: it is linked, not installed. A local dependency that breaks the
    /// ``LocalDependencies`` rule, or an SDK range the bundled SDK cannot serve, is an error.
    /// `shippedSDKVersion`: the SDK version the package itself ships in node_modules ("" if its
    /// package.json has none), nil when it ships none.
    func plan(packageDir: String, shippedSDKVersion: String?, reinstall: Bool, includeDev: Bool) throws(ImportError) -> Plan {
        guard FileSystem.isRegularFile(packageDir + "/package.json"), let manifest = try? PackageJSON.load(packageDir) else {
            return Plan(sdk: .none, skipReason: "no package.json", arguments: [], shareKey: nil, needed: [])
        }
        let locals = try dependencies.resolve(manifest)
        let sdkLocal = locals.first { $0.name == BundledSDK.packageName && SDKRule.sections.contains($0.section) }
        let sdk = try SDKRule.decide(manifest: manifest, policy: policy, bundled: bundled, vendoredVersion: shippedSDKVersion,
                                     localPath: sdkLocal?.path)
        let bundling = if case .bundled = sdk { true } else { false }
        var plan = Plan(sdk: sdk, skipReason: nil, arguments: [], shareKey: nil, needed: [])
        for local in locals where local.section == "dependencies" && !FileSystem.exists(local.path) {
            plan.skipReason = "file: dependency \(local.name) (\(local.spec)) is not available"
            return plan
        }
        let declared = PackageJSON.dependencies(manifest)
        let needed = declared.filter { !(bundling && $0.0 == BundledSDK.packageName) }
        plan.needed = needed.map(\.0).sorted()
        if declared.isEmpty {
            plan.skipReason = "no dependencies"
            return plan
        }
        if needed.isEmpty {
            plan.skipReason = "the bundled SDK is the only dependency"
            return plan
        }
        if !reinstall, needed.allSatisfy({ FileSystem.exists(packageDir + "/node_modules/" + $0.0) }) {
            plan.skipReason = "dependencies already installed"
            return plan
        }

        let sections = includeDev ? LocalDependencies.sections : LocalDependencies.sections.filter { $0 != "devDependencies" }
        var explicit = locals.filter { sections.contains($0.section) && !(bundling && $0.name == BundledSDK.packageName) }
            .map { "\($0.name)@file:\($0.path)" }
        if bundling {
            guard let bundledCopy else {
                throw ImportError("the bundled SDK could not be stored in \(self.sdk.store.directory): \(self.sdk.copyError ?? "unknown error")")
            }
            explicit.append("\(BundledSDK.packageName)@file:\(bundledCopy)")
        }
        let hasLock = FileSystem.isRegularFile(packageDir + "/package-lock.json") || FileSystem.isRegularFile(packageDir + "/npm-shrinkwrap.json")
        var arguments = [hasLock && explicit.isEmpty ? "ci" : "install", "--no-audit", "--no-fund", "--install-links"]
        arguments.append(includeDev ? "--include=dev" : "--omit=dev")
        if !explicit.isEmpty { arguments += ["--no-save"] + explicit.sorted() }
        plan.arguments = arguments
        if !explicit.isEmpty, let scripts = manifest["scripts"]?.objectValue {
            plan.rootScripts = Self.rootLifecycle.filter { !(scripts[$0]?.stringValue ?? "").isEmpty }
        }

        let ownLocals = locals.contains { !($0.name == BundledSDK.packageName && bundling) }
        if !hasLock, !ownLocals, !FileSystem.exists(packageDir + "/node_modules") {
            var key = JSONObject()
            for section in sections {
                guard var entries = manifest[section]?.objectValue else { continue }
                if bundling { entries[BundledSDK.packageName] = nil }
                key[section] = .object(entries)
            }
            key["arguments"] = .array(arguments.map(JSONValue.string))
            plan.shareKey = Digests.sha256Hex(JSONWriter(sortedKeys: true).string(.object(key)))
        }
        return plan
    }

    /// Runs npm as planned in `packageDir`. A failure to fetch a dependency is one line naming
    /// it (``NpmFailure``); `blocks` says which services wait on it.
    func install(_ plan: Plan, packageDir: String, blocks: String? = nil) async throws(ImportError) {
        guard plan.skipReason == nil else { return }
        let scripts = npm.allowScripts ? plan.rootScripts : []
        if scripts.first == "preinstall" { try await runScript("preinstall", in: packageDir) }
        let result = try await npm.run(plan.arguments, in: packageDir)
        guard result.exit.succeeded, !result.timedOut else {
            if !result.timedOut, let failure = NpmFailure.parse(result.stderrText) {
                throw ImportError(failure.message(blocks: blocks))
            }
            throw ImportError("npm \(plan.arguments[0]) failed (\(result.failureSummary)): \(RedactedURL.redact(result.diagnostics))")
        }
        for script in scripts where script != "preinstall" { try await runScript(script, in: packageDir) }
    }

    private func runScript(_ script: String, in packageDir: String) async throws(ImportError) {
        let result = try await npm.run(["run-script", script], in: packageDir)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("the package's \"\(script)\" script failed (\(result.failureSummary)): \(RedactedURL.redact(result.diagnostics))")
        }
    }

    /// After the install: the bundled SDK linked in from the shared copy, and the SDK source
    /// with the version npm installed. Blocking: call it on the pool.
    func finish(_ plan: Plan, packageDir: String) throws -> SDKSource {
        switch plan.sdk {
        case .bundled:
            guard let bundledCopy else {
                throw ImportError("the bundled SDK could not be stored in \(sdk.store.directory): \(sdk.copyError ?? "unknown error")")
            }
            try sdk.store.link(bundledCopy, into: packageDir)
            return plan.sdk
        case .registry:
            return .registry(Self.installedSDKVersion(packageDir))
        case .vendored(let version):
            return .vendored(version ?? Self.installedSDKVersion(packageDir))
        case .none:
            return .none
        }
    }

    /// The version in `node_modules/@chaitin-ai/octobus-sdk/package.json` of `packageDir`:
    /// nil when there is none, "" when it names no version.
    static func installedSDKVersion(_ packageDir: String) -> String? {
        let directory = SDKStore.installPath(runtimeDir: packageDir)
        guard FileSystem.isRegularFile(directory + "/package.json") else { return nil }
        return (try? PackageJSON.load(directory))?["version"]?.stringValue ?? ""
    }
}
