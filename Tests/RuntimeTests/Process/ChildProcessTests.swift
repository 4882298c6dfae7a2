import Glibc
import Synchronization
import Testing
@testable import Runtime

/// What a finished child produced.
struct ChildResult: Sendable {
    var exit: ProcessExit
    var stdout: String
    var stderr: String
    var pid: Int32
}

/// Spawns on a loop and waits for termination.
func runChild(_ options: ProcessOptions, on loop: EventLoop, afterSpawn: (@Sendable (Int32) -> Void)? = nil,
              control: (@Sendable (LoopBound<ChildProcess>) -> Void)? = nil) async throws -> ChildResult {
    let result: Result<ChildResult, SpawnError> = await withCheckedContinuation { continuation in
        loop.execute {
            do throws(SpawnError) {
                let child = try ChildProcess.spawn(loop: loop, options: options)
                var out: [UInt8] = []
                var err: [UInt8] = []
                child.onStdout = { out += $0 }
                child.onStderr = { err += $0 }
                let pid = child.pid
                child.onTermination = { exit in
                    continuation.resume(returning: .success(ChildResult(
                        exit: exit, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self), pid: pid)))
                }
                afterSpawn?(child.pid)
                control?(LoopBound(child, loop: loop))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
    }
    return try result.get()
}

@Suite struct ChildProcessTests {
    let group = EventLoopGroup(count: 1)

    func shell(_ script: String) -> ProcessOptions {
        var options = ProcessOptions(executable: "/bin/sh", arguments: ["-c", script])
        options.stdout = .pipe
        options.stderr = .pipe
        return options
    }

    @Test func capturesOutputAndExitStatus() async throws {
        let result = try await runChild(shell("echo out; echo err >&2; exit 3"), on: group.loops[0])
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
        #expect(result.exit == ProcessExit(code: 3, signal: 0))
    }

    @Test func passesArgumentsEnvironmentAndWorkingDirectory() async throws {
        var options = shell("printf '%s|%s|%s' \"$1\" \"$GREETING\" \"$(pwd)\"")
        options.arguments += ["sh", "first arg"]
        options.environment = ["GREETING": "hello there", "PATH": "/usr/bin:/bin"]
        options.workingDirectory = "/tmp"
        let result = try await runChild(options, on: group.loops[0])
        #expect(result.stdout == "first arg|hello there|/tmp")
    }

    @Test func writesExtraInputPipesAsFD3() async throws {
        var options = shell("cat <&3")
        options.extraInputPipes = [Array("{\"apiToken\":\"s3cret\"}".utf8)]
        let result = try await runChild(options, on: group.loops[0])
        #expect(result.stdout == "{\"apiToken\":\"s3cret\"}")
        #expect(result.exit.succeeded)
    }

    @Test func feedsStdinBytes() async throws {
        var options = shell("wc -c")
        options.stdin = .bytes(Array(repeating: 65, count: 200_000))
        let result = try await runChild(options, on: group.loops[0])
        #expect(result.stdout.trimmingASCIIWhitespace() == "200000")
    }

    @Test func appendsOutputToFiles() async throws {
        let path = "/tmp/octobus-child-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { unlink(path) }
        for word in ["one", "two"] {
            var options = ProcessOptions(executable: "/bin/sh", arguments: ["-c", "echo \(word)"])
            options.stdout = .appendToFile(path)
            _ = try await runChild(options, on: group.loops[0])
        }
        #expect(String(decoding: try FileSystem.readFile(path), as: UTF8.self) == "one\ntwo\n")
        var info = stat()
        stat(path, &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func runsInItsOwnProcessGroupAndCanBeSignalled() async throws {
        let result = try await runChild(shell("sleep 30 & sleep 30; echo never"), on: group.loops[0], control: { child in
            child.loop.schedule(afterMilliseconds: 100) {
                #expect(getpgid(child.value.pid) == child.value.pid)
                child.value.kill(SIGTERM)
            }
        })
        #expect(result.exit.signal == SIGTERM)
        #expect(!result.stdout.contains("never"))
    }

    @Test func reportsSpawnFailures() async {
        let options = ProcessOptions(executable: "/nonexistent/program")
        await #expect(throws: SpawnError.self) {
            _ = try await runChild(options, on: group.loops[0])
        }
    }

    @Test func findsProgramsOnPath() async throws {
        var options = ProcessOptions(executable: "sh", arguments: ["-c", "echo found"])
        options.searchPath = true
        options.stdout = .pipe
        let result = try await runChild(options, on: group.loops[0])
        #expect(result.stdout == "found\n")
    }
}
