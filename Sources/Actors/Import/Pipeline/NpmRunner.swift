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
///
/// npm's network defaults turn an unreachable registry into about 70 s of retries; an import
/// should say at once that it cannot fetch. Unless the daemon's environment sets them
/// (`npm_config_fetch_retries`, …), npm gets ``fetchDefaults``: one retry after 1–2 s, and
/// 10 s without a byte on a socket counts as a failure (npm 10 applies `fetch-timeout` as an
/// idle timeout, so a slow but moving download is not cut off). A refused connection then
/// fails in about 2 s, a silent registry in about 20 s.
struct NpmRunner {
    let environment: ImportEnvironment
    let allowScripts: Bool
    let offline: Bool

    /// npm settings for fetching, applied unless the daemon's environment sets them.
    static let fetchDefaults: [(setting: String, value: String)] = [
        ("fetch-retries", "1"), ("fetch-retry-mintimeout", "1000"), ("fetch-retry-maxtimeout", "2000"), ("fetch-timeout", "10000"),
    ]

    /// `--<setting>=<value>` for each of ``fetchDefaults`` that `environment` does not set.
    static func fetchArguments(environment: [String: String]) -> [String] {
        let configured = Set(environment.keys.map { $0.lowercased() })
        return fetchDefaults.filter { !configured.contains("npm_config_" + String($0.setting.map { $0 == "-" ? "_" : $0 })) }
            .map { "--\($0.setting)=\($0.value)" }
    }

    /// `npm <arguments>` in `directory` (a staging directory). `scripts: false` disables
    /// lifecycle scripts even when the import allows them (a pack without a build, whose
    /// `prepare` would need dev dependencies that are not installed).
    func run(_ arguments: [String], in directory: String, scripts: Bool = true,
             timeoutMilliseconds: UInt64 = ImportEnvironment.installTimeoutMilliseconds) async throws(ImportError) -> ToolRunner.Result {
        var arguments = arguments
        if !(allowScripts && scripts) { arguments.append("--ignore-scripts") }
        if offline { arguments.append("--offline") }
        arguments += Self.fetchArguments(environment: environment.toolEnvironment)
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
