#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion for the interoperability tests (no Foundation): stdin from
/// bytes, stdout and stderr collected through files.
enum Subprocess {
    struct Result {
        let status: Int32
        let stdout: [UInt8]
        let stderr: [UInt8]

        var exitedCleanly: Bool { status == 0 }
        var output: String {
            String(decoding: stdout, as: UTF8.self) + String(decoding: stderr, as: UTF8.self)
        }
    }

    /// Runs `executable` (an absolute path) with `arguments`; the environment is ours.
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> Result {
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        let stdinPath = directory + "/stdin"
        let stdoutPath = directory + "/stdout"
        let stderrPath = directory + "/stderr"
        try Protoc.writeFile(stdinPath, input)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Protoc.Failure(description: "cannot spawn \(executable): errno \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Protoc.Failure(description: "waitpid failed: errno \(errno)") }
        }
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(
            status: exitStatus, stdout: Protoc.readFile(stdoutPath) ?? [], stderr: Protoc.readFile(stderrPath) ?? [])
    }
}

/// The Python of the repository's test venv (`.venv/bin/python`, made by scripts/setup.sh
/// from Tests/requirements.txt), or `$OCTOBUS_TEST_PYTHON`. Tests that need it fail — they
/// never skip — when it is missing.
enum PythonInterop {
    /// The repository root, found from this file.
    static let repositoryRoot: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(4)  // Tests/ProtocolsTests/TestSupport/Subprocess.swift
        return components.joined(separator: "/")
    }()

    /// `Tests/interop`, where the Python halves of the interoperability tests live.
    static var scriptsDirectory: String { repositoryRoot + "/Tests/interop" }

    static func python() throws -> String {
        if let override = getenv("OCTOBUS_TEST_PYTHON").map({ String(cString: $0) }), !override.isEmpty {
            return override
        }
        let path = repositoryRoot + "/.venv/bin/python"
        guard access(path, X_OK) == 0 else {
            throw Protoc.Failure(
                description: "the Python test environment is missing (\(path)): run scripts/setup.sh, or "
                    + "python3 -m venv .venv && .venv/bin/pip install -r Tests/requirements.txt")
        }
        return path
    }

    /// Runs `Tests/interop/<script>` with `arguments`.
    static func run(_ script: String, _ arguments: [String], input: [UInt8] = []) throws -> Subprocess.Result {
        try Subprocess.run(try python(), [scriptsDirectory + "/" + script] + arguments, input: input)
    }
}
