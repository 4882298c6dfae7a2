import Runtime

/// Where a package comes from (SPEC §3.1), decided in the SPEC's order.
enum ImportSource: Equatable, Sendable {
    /// `npm:<spec>`, packed with `npm pack`.
    case npm(spec: String)
    /// An http(s) URL whose path ends in .tgz, .tar.gz or .zip.
    case remoteArchive(url: String, isZip: Bool)
    /// HTTPS Git: remote without credentials, credentials, `//subdir`, `@ref` (nil = latest).
    case git(GitSource)
    case localDirectory(path: String)
    case localFile(path: String)

    /// The source string without `//service-dir`, and that dir ("." when absent).
    /// Strings containing `://` are not split here (remote archives cannot use `//`; Git parses its own).
    static func splitServiceDir(_ source: String) throws(ImportError) -> (String, String) {
        if source.contains("://") { return (source, ".") }
        guard let range = source.firstRange(of: "//") else { return (source, ".") }
        let base = String(source[..<range.lowerBound])
        let dir = String(source[range.upperBound...])
        guard !base.isEmpty else { throw ImportError("invalid source \"\(source)\": missing package before //") }
        return (base, try PackagePath.validate(dir, what: "service dir"))
    }

    /// Classifies `source` (already stripped of `//dir`). `kind` probes the local file system
    /// (``FileSystem/kind(_:followSymlinks:)``: a stat, which never blocks).
    ///
    /// Local sources must be regular files or directories. A FIFO, socket or device is refused
    /// here, before anything opens it: reading a FIFO without a writer blocks forever, and
    /// imports run one at a time, so one such source would hang every later import.
    static func classify(_ source: String, kind: (String) -> FileKind?) throws(ImportError) -> ImportSource {
        if source.hasPrefix("npm:") {
            let spec = String(source.dropFirst(4))
            guard !spec.trimmingCharacters(in: " ").isEmpty else { throw ImportError("invalid source \"\(source)\": npm spec is empty") }
            // npm reads a local path spec itself; the same rule applies to what it would open.
            if let path = localPath(ofNpmSpec: spec), let found = kind(path), found != .directory, found != .regularFile {
                throw unusable(source, found)
            }
            return .npm(spec: spec)
        }
        if let schemeEnd = source.firstRange(of: "://") {
            let scheme = source[..<schemeEnd.lowerBound].lowercased()
            if scheme == "http" || scheme == "https" {
                let path = Self.urlPath(source).lowercased()
                if path.hasSuffix(".tgz") || path.hasSuffix(".tar.gz") { return .remoteArchive(url: source, isZip: false) }
                if path.hasSuffix(".zip") { return .remoteArchive(url: source, isZip: true) }
            }
            if scheme == "https" { return .git(try GitSource(parsing: source)) }
            if scheme == "http" || scheme == "ssh" || scheme == "git" || scheme.contains("git") {
                throw ImportError("unsupported Git source \"\(RedactedURL.redact(source))\": only https:// Git remotes are supported")
            }
            throw ImportError("unsupported source \"\(RedactedURL.redact(source))\": use a local path, npm:<spec>, an http(s) .tgz/.zip URL or an https:// Git remote")
        }
        switch kind(source) {
        case .directory?: return .localDirectory(path: source)
        case .regularFile?: return .localFile(path: source)
        case let other?: throw unusable(source, other)
        case nil: throw ImportError("source \"\(source)\" does not exist")
        }
    }

    private static func unusable(_ source: String, _ kind: FileKind) -> ImportError {
        ImportError("source \"\(source)\" is \(kind): only regular files (archives) and directories can be imported")
    }

    /// The path an npm spec names when it is a local path (`file:…`, `/…`, `./…`, `../…`, as
    /// npm-package-arg reads them), else nil.
    static func localPath(ofNpmSpec spec: String) -> String? {
        if spec.hasPrefix("file:") {
            var path = String(spec.dropFirst("file:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            return path.isEmpty ? nil : path
        }
        return spec.hasPrefix("/") || spec.hasPrefix("./") || spec.hasPrefix("../") ? spec : nil
    }

    /// The path part of a URL (no query or fragment).
    static func urlPath(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        var path = rest[slash...]
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
        return String(path)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
