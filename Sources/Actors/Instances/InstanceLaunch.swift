import Protocols
import Runtime

/// Builds the exact child-process contract of SPEC §5 for an instance.
struct InstanceLaunch {
    let paths: InstancePaths
    let service: ServiceRecord
    let instance: InstanceRecord
    /// The daemon's environment, inherited by children.
    let baseEnvironment: [String: String]

    /// `node` runs the entry (SPEC §13.17: sturdier than exec'ing the file, which needs a
    /// shebang and the exec bit to survive packing).
    static let node = "node"

    var entry: String { paths.entry(service: service) }
    var workdir: String { paths.workdir(instance.id) }

    var environment: [String: String] {
        var env = baseEnvironment
        env["OCTOBUS_SERVICE_ID"] = service.id
        env["OCTOBUS_INSTANCE_ID"] = instance.id
        env["OCTOBUS_PACKAGE_DIR"] = paths.packageDirectory(service: service)
        env["OCTOBUS_DESCRIPTOR_PATH"] = service.descriptorPath
        env["OCTOBUS_DESCRIPTOR_SHA256"] = service.descriptorSHA256
        return env
    }

    /// Long-running: `<entry> --runtime serve --host 127.0.0.1 --port <p> --config … --secret-fd 3 --workdir … --service … --instance …`.
    func serveOptions(port: Int, secret: String) -> ProcessOptions {
        var options = ProcessOptions(executable: Self.node, arguments: [
            entry, "--runtime", "serve", "--host", "127.0.0.1", "--port", String(port),
            "--config", paths.configFile(instance.id), "--secret-fd", "3", "--workdir", workdir,
            "--service", service.id, "--instance", instance.id,
        ])
        options.searchPath = true
        options.environment = environment
        options.workingDirectory = workdir
        options.stdout = .appendToFile(paths.stdoutLog(instance.id))
        options.stderr = .appendToFile(paths.stderrLog(instance.id))
        options.extraInputPipes = [Array(secret.utf8)]
        options.newProcessGroup = true
        return options
    }

    /// On-demand: `<entry> --runtime invoke --method … --config … --secret-fd 3 --metadata … --workdir … --service … --instance …`.
    func invokeOptions(method: String, metadataFile: String, request: [UInt8], secret: String) -> ProcessOptions {
        var options = ProcessOptions(executable: Self.node, arguments: [
            entry, "--runtime", "invoke", "--method", method, "--config", paths.configFile(instance.id),
            "--secret-fd", "3", "--metadata", metadataFile, "--workdir", workdir,
            "--service", service.id, "--instance", instance.id,
        ])
        options.searchPath = true
        options.environment = environment
        options.workingDirectory = workdir
        options.stdin = .bytes(request)
        options.stdout = .pipe
        options.stderr = .pipe
        options.extraInputPipes = [Array(secret.utf8)]
        options.newProcessGroup = true
        return options
    }

    /// Creates the workdir (0700). config.json is written by the instance's actor, which
    /// serialises config writes (see ``InstanceActor/syncConfigFile()``).
    func prepareWorkdir() throws {
        try FileSystem.createDirectories(paths.instancesDirectory, mode: 0o700)
        try FileSystem.createDirectories(workdir, mode: 0o700)
    }
}
