/// A package fetched (and built) in the staging directory, ready for validation.
struct PreparedPackage: Sendable {
    /// The package contents (`<staging>/package`).
    var packageDir: String
    /// The stored artifact inside staging (e.g. `<staging>/calculator-0.1.0.tgz`).
    var artifactPath: String
    var version: String
    /// `package_source` as stored (credentials redacted).
    var displaySource: String
    /// Where local-path (`file:`) dependencies resolve and must stay (``LocalDependencies``).
    var dependencySource: DependencySource
    /// `node_modules` of a script build, reused for the runtime dir.
    var keptNodeModules: String?
    /// The source tree the package was packed from (local directories, Git), to tell which
    /// service roots the pack left out.
    var sourceTree: String?
}
