import Protocols
import Runtime

/// Where a package's local-path dependencies come from.
struct DependencySource: Sendable {
    /// The package source's real path (symlinks resolved): the directory a local import names,
    /// a Git checkout or an unpacked archive. Relative specs resolve against it, and local
    /// dependencies must stay inside it.
    var root: String
    /// A staging copy of `root` that dependencies inside the package are installed from, or
    /// nil to use `root` itself (it already is in staging). A local import's own directory is
    /// read once, by the copy, which holds regular files, directories and symlinks only.
    var stagedCopy: String?
}

/// The rule for a package's local-path dependencies: `file:` specs and the bare paths npm
/// also reads as local (`../x`, `/x`, `~/x`), in every dependency section npm looks at.
///
/// npm copies what such a spec names into the runtime directory, so an unchecked one could
/// pull in any directory of the host (`file:/etc`, `file:../../../home/user/.ssh`), and with
/// scripts allowed run another project's lifecycle scripts. A local dependency must resolve
/// (after symlinks) inside the package source, or be exactly the SDK that ships with the
/// daemon (``BundledSDK``: the examples depend on it as `file:../../sdk`). Local dependencies
/// inside the package are checked the same way, recursively. `git+file:` and `~` paths are
/// refused outright. Every resolved spec is handed to npm as an absolute `file:` path.
struct LocalDependencies {
    let source: DependencySource
    /// Real path of the bundled SDK, if the daemon found one.
    let sdk: String?
    /// Whether the bundled SDK serves `@chaitin-ai/octobus-sdk` (``SDKPolicy/bundled``): then a
    /// local-path spec of that name pointing outside the package (an SDK checkout elsewhere on
    /// the developer's machine) is served by the bundled SDK, and the path is never read.
    var sdkStandsIn = false

    /// The manifest sections npm reads dependencies from.
    static let sections = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]
    /// How deep local dependencies of local dependencies are followed.
    static let maximumDepth = 8

    /// One local dependency of the package, resolved.
    struct Resolved: Equatable, Sendable {
        var section: String
        var name: String
        var spec: String
        /// The absolute path npm installs from.
        var path: String
    }

    /// Resolves and checks the local dependencies of `manifest`, the package's root
    /// package.json, and recursively those of every local dependency inside the package.
    func resolve(_ manifest: JSONObject) throws(ImportError) -> [Resolved] {
        var visited: Set<String> = [source.root]
        return try resolve(manifest, declaredIn: source.root, depth: 0, visited: &visited)
    }

    private func resolve(
        _ manifest: JSONObject, declaredIn directory: String, depth: Int, visited: inout Set<String>
    ) throws(ImportError) -> [Resolved] {
        var resolved: [Resolved] = []
        for section in Self.sections {
            guard let entries = manifest[section]?.objectValue else { continue }
            for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
                guard let spec = value.stringValue,
                    let item = try resolve(name: name, spec: spec, section: section, declaredIn: directory)
                else { continue }
                resolved.append(item)
                // A directory inside the package brings its own package.json and dependencies.
                guard item.path != sdk, FileSystem.isDirectory(item.path), let original = originalPath(of: item.path),
                    !visited.contains(original)
                else { continue }
                visited.insert(original)
                guard depth < Self.maximumDepth else {
                    throw ImportError("local dependency \"\(name)\" (\(spec)): local dependencies nest deeper than \(Self.maximumDepth) levels")
                }
                if let nested = try? PackageJSON.load(item.path) {
                    _ = try resolve(nested, declaredIn: original, depth: depth + 1, visited: &visited)
                }
            }
        }
        return resolved
    }

    /// The local path a spec names, or nil when npm would fetch it from elsewhere (a
    /// registry version or tag, a URL, a Git remote, an alias).
    static func localPath(of spec: String) -> String? {
        if spec.lowercased().hasPrefix("file:") {
            var path = String(spec.dropFirst("file:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            return path
        }
        // npm-package-arg's file-spec test: a leading ".", "~/", "/" or "\", or a drive letter.
        guard let first = spec.first else { return nil }
        if first == "." || first == "/" || first == "\\" || spec.hasPrefix("~/") { return spec }
        let scalars = Array(spec.unicodeScalars.prefix(2))
        if scalars.count == 2, scalars[1] == ":", scalars[0].properties.isAlphabetic, scalars[0].isASCII { return spec }
        return nil
    }

    private func resolve(name: String, spec: String, section: String, declaredIn directory: String) throws(ImportError) -> Resolved? {
        let what = "local dependency \"\(name)\" (\(spec))"
        if spec.lowercased().hasPrefix("git+file:") {
            throw ImportError("\(what): git+file: dependencies are not allowed: they read a repository from the host")
        }
        guard let path = Self.localPath(of: spec) else { return nil }
        if path.hasPrefix("~") {
            throw ImportError("\(what): paths in a home directory are not allowed: \(allowedText)")
        }
        guard !path.isEmpty, !path.contains("\\") else { throw ImportError("\(what): not a usable path") }
        let absolute = FileSystem.clean(path.hasPrefix("/") ? path : directory + "/" + path)
        if FileSystem.isInside(absolute, directory: source.root) {
            let base = source.stagedCopy ?? source.root
            let target = base + absolute.dropFirst(source.root.count)
            // A symlink inside the package may point anywhere: judge where it really leads.
            if let real = FileSystem.realPath(target), let realBase = FileSystem.realPath(base),
                !FileSystem.isInside(real, directory: realBase)
            {
                throw ImportError("\(what) leads outside the package through a symbolic link (to \(real)): \(allowedText)")
            }
            return Resolved(section: section, name: name, spec: spec, path: target)
        }
        if let sdk, FileSystem.realPath(absolute) == sdk || (sdkStandsIn && name == BundledSDK.packageName) {
            return Resolved(section: section, name: name, spec: spec, path: sdk)
        }
        throw ImportError("\(what) points outside the package (to \(absolute)): \(allowedText)")
    }

    private var allowedText: String {
        let sdkText = sdk.map { " and the OctoBus SDK (\($0))" } ?? ""
        return "only paths inside the package\(sdkText) may be local dependencies"
    }

    /// `path` (in the staged copy or the root) in terms of the original source root.
    private func originalPath(of path: String) -> String? {
        let base = source.stagedCopy ?? source.root
        guard FileSystem.isInside(path, directory: base) else { return nil }
        return source.root + path.dropFirst(base.count)
    }
}
