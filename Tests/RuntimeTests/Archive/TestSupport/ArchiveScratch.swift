import Glibc
import Testing

@testable import Runtime

/// A temporary directory for one test's fixtures, removed when the test ends.
final class ArchiveScratch {
    let path: String
    private var freshCount = 0

    init() {
        var template = Array("/tmp/octobus-archive-test-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed: \(errno)")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { ArchiveShell.run("rm -rf \(ArchiveShell.quote(path))") }

    /// `path/relative`.
    func callAsFunction(_ relative: String) -> String { path + "/" + relative }

    /// A new empty directory with a name not used before (`path/fresh-N`).
    func freshDirectory() -> String {
        freshCount += 1
        return directory("fresh-\(freshCount)")
    }

    /// A new empty directory `path/relative`.
    @discardableResult
    func directory(_ relative: String) -> String {
        let full = self(relative)
        ArchiveFixture.makeDirectories(full)
        return full
    }
}

/// Runs shell commands that build fixtures with real tools (tar, zip, git, npm, gzip).
enum ArchiveShell {
    struct Failure: Error, CustomStringConvertible {
        let script: String
        let status: Int32
        let output: String
        var description: String { "`\(script)` exited \(status): \(output)" }
    }

    /// Runs `script` with `/bin/sh -c`, returning its exit status and combined output.
    @discardableResult
    static func run(_ script: String) -> (status: Int32, output: String) {
        guard let pipe = popen("(\(script)) 2>&1", "r") else { return (-1, "popen failed") }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n == 0 { break }
            output += buffer[..<n]
        }
        let status = pclose(pipe)
        return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
    }

    /// Runs `script` and fails the test (by throwing) unless it exits 0; returns its output.
    @discardableResult
    static func check(_ script: String) throws -> String {
        let result = run(script)
        guard result.status == 0 else { throw Failure(script: script, status: result.status, output: result.output) }
        return result.output
    }

    static func quote(_ argument: String) -> String {
        "'" + argument.replacing("'", with: "'\\''") + "'"
    }
}

/// Runs `body` and returns the message of the ArchiveError it threw, or nil if it succeeded.
func archiveErrorMessage<T>(_ body: () throws -> T) -> String? {
    do {
        _ = try body()
        return nil
    } catch let error as ArchiveError {
        return error.message
    } catch {
        return "not an ArchiveError: \(error)"
    }
}
