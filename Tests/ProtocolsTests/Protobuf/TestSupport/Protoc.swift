import Protocols

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real protoc (`/usr/bin/protoc`, well-known types from `/usr/include`), run as the oracle
/// for the codec tests: compiles the fixtures and encodes/decodes text format. No Foundation.
enum Protoc {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `Tests/ProtocolsTests/Protobuf/Fixtures`, found from this file.
    static let fixturesDirectory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // TestSupport/Protoc.swift
        return components.joined(separator: "/") + "/Fixtures"
    }()

    static let fixtureFiles = ["all_types.proto", "proto2_types.proto", "service.proto"]

    /// The fixtures compiled as OctoBus compiles services (imports and source info included).
    static let fixtureSetBytes: [UInt8] = {
        do {
            return try compile(fixtureFiles, includes: [fixturesDirectory, "/usr/include"])
        } catch {
            fatalError("cannot compile the protobuf test fixtures: \(error)")
        }
    }()

    static let fixtureSet: DescriptorSet = {
        do {
            return try DescriptorSet.decode(fixtureSetBytes)
        } catch {
            fatalError("cannot decode the fixture descriptor set: \(error)")
        }
    }()

    /// `protoc --include_imports --include_source_info --descriptor_set_out=… -I… files…`.
    static func compile(_ files: [String], includes: [String], sourceInfo: Bool = true) throws -> [UInt8] {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let output = directory + "/set.pb"
        var arguments = ["--include_imports"]
        if sourceInfo { arguments.append("--include_source_info") }
        arguments.append("--descriptor_set_out=" + output)
        arguments += includes.map { "-I" + $0 }
        arguments += files
        _ = try run(arguments, input: [])
        guard let bytes = readFile(output) else { throw Failure(description: "protoc wrote no descriptor set") }
        return bytes
    }

    /// Text format → binary (`protoc --encode=<type>`), against the fixtures.
    static func encode(_ typeName: String, _ text: String) throws -> [UInt8] {
        try run(
            ["--encode=" + typeName, "-I" + fixturesDirectory, "-I/usr/include"] + fixtureFiles,
            input: Array(text.utf8))
    }

    /// Binary → text format (`protoc --decode=<type>`), against the fixtures.
    static func decode(_ typeName: String, _ bytes: [UInt8]) throws -> String {
        let output = try run(
            ["--decode=" + typeName, "-I" + fixturesDirectory, "-I/usr/include"] + fixtureFiles,
            input: bytes)
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Processes and files

    /// Runs protoc with stdin from `input` (input files are found through the `-I` paths);
    /// returns stdout, throws with stderr on failure.
    static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let directory = try temporaryDirectory()
        defer { removeTree(directory) }
        let stdinPath = directory + "/stdin"
        let stdoutPath = directory + "/stdout"
        let stderrPath = directory + "/stderr"
        try writeFile(stdinPath, input)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv = (["/usr/bin/protoc"] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/usr/bin/protoc", &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot spawn protoc: errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
        }
        let stdout = readFile(stdoutPath) ?? []
        let exitedCleanly = (status & 0x7F) == 0 && ((status >> 8) & 0xFF) == 0
        guard exitedCleanly else {
            let stderr = String(decoding: readFile(stderrPath) ?? [], as: UTF8.self)
            throw Failure(
                description: "protoc \(arguments.joined(separator: " ")) failed (status \(status)): \(stderr)")
        }
        return stdout
    }

    static func temporaryDirectory() throws -> String {
        var template = Array("/tmp/octobus-protobuf-test-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed: errno \(errno)") }
        return String(cString: result)
    }

    static func removeTree(_ directory: String) {
        if let handle = opendir(directory) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != ".", name != ".." { unlink(directory + "/" + name) }
            }
            closedir(handle)
        }
        rmdir(directory)
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot write \(path)") }
        defer { fclose(file) }
        if !bytes.isEmpty, fwrite(bytes, 1, bytes.count, file) != bytes.count {
            throw Failure(description: "short write to \(path)")
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}
