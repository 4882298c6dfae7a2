import Runtime

/// Runs npm for an import, with the package's code kept out of it unless the import was
/// given `allow_scripts` (`--allow-scripts`).
///
/// Without it every npm command gets `--ignore-scripts`, so no lifecycle script of the
/// package or of its dependencies (`preinstall`, `install`, `postinstall`, `prepare`,
/// `prepack`, …) runs, and the package's own `.npmrc` is removed from the staging copy npm
/// runs in: a project `.npmrc` can name programs npm executes even with scripts off
/// (`git=./evil.sh`), or move npm's cache and prefix elsewhere on the host. Registry
/// settings belong in the daemon user's `~/.npmrc` or environment, which npm still reads.
struct NpmRunner {
    let environment: ImportEnvironment
    let allowScripts: Bool
    let offline: Bool

    /// `npm <arguments>` in `directory` (a staging directory). `scripts: false` disables
    /// lifecycle scripts even when the import allows them (a pack without a build, whose
    /// `prepare` would need dev dependencies that are not installed).
    func run(_ arguments: [String], in directory: String, scripts: Bool = true,
             timeoutMilliseconds: UInt64 = ImportEnvironment.installTimeoutMilliseconds) async throws(ImportError) -> ToolRunner.Result {
        var arguments = arguments
        if !(allowScripts && scripts) { arguments.append("--ignore-scripts") }
        if offline { arguments.append("--offline") }
        let staging = environment.staging
        let allowScripts = self.allowScripts
        try await environment.blocking("remove the package's .npmrc") {
            // npm only ever runs in staging copies; never touch a directory outside them.
            guard let staging, let real = FileSystem.realPath(directory), let realStaging = FileSystem.realPath(staging),
                FileSystem.isInside(real, directory: realStaging)
            else { throw ImportError("npm must run inside the import's staging directory, not in \(directory)") }
            if !allowScripts { try FileSystem.removeTree(real + "/.npmrc") }
        }
        return try await environment.runTool("npm", arguments, cwd: directory, timeoutMilliseconds: timeoutMilliseconds)
    }
}
