import Runtime

/// SPEC §2.1 package-relative path rule: non-blank, not absolute, cleaned path not `.`/`..`,
/// no `..` segment. Used for proto roots/files, schema paths, bin targets, `//service-dir`.
enum PackagePath {
    /// Returns the cleaned relative path, or throws `<what> "<path>" must be a relative path inside the package`.
    static func validate(_ path: String, what: String) throws(ImportError) -> String {
        let trimmed = path.trimmingASCIIWhitespace()
        let problem: String?
        if trimmed.isEmpty {
            problem = "must not be empty"
        } else if trimmed.hasPrefix("/") {
            problem = "must be a relative path inside the package"
        } else if trimmed.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            problem = "must not contain \"..\""
        } else {
            let cleaned = FileSystem.clean(trimmed)
            problem = (cleaned == "." || cleaned == "..") ? "must name a path inside the package" : nil
            if problem == nil { return cleaned }
        }
        throw ImportError("\(what) \"\(path)\" \(problem!)")
    }
}
