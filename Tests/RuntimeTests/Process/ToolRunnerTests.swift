import Glibc
import Synchronization
import Testing
@testable import Runtime

@Suite(.timeLimit(.minutes(1))) struct ToolRunnerTests {
    let group = EventLoopGroup(count: 1)

    func shell(_ script: String) -> ProcessOptions {
        ProcessOptions(executable: "/bin/sh", arguments: ["-c", script])
    }

    // The handle stops a tool from outside the loop (how the import's disk watchdog does it).
    @Test func theHandleKillsTheToolFromAnyThread() async throws {
        let started = Mutex<ToolRunner.Handle?>(nil)
        async let result = ToolRunner.run(shell("sleep 30"), on: group.loops[0], timeoutMilliseconds: 60_000,
                                          onStart: { handle in started.withLock { $0 = handle } })
        while started.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        started.withLock { $0 }?.kill()
        let finished = try await result
        #expect(finished.exit.signal == SIGKILL)
        #expect(!finished.timedOut)
    }

    // A child the tool started and did not wait for dies with the tool's process group.
    @Test func killsWhatTheToolLeftInItsProcessGroup() async throws {
        let script = "sleep 30 >/dev/null 2>&1 & echo $!"
        let left = try await ToolRunner.run(shell(script), on: group.loops[0], timeoutMilliseconds: 10_000)
        let straggler = try #require(Int32(left.stdoutText.trimmingASCIIWhitespace()))
        #expect(kill(straggler, 0) == 0, "without killGroupOnExit the background child lives on")
        kill(straggler, SIGKILL)

        let cleaned = try await ToolRunner.run(shell(script), on: group.loops[0], timeoutMilliseconds: 10_000,
                                               killGroupOnExit: true)
        let pid = try #require(Int32(cleaned.stdoutText.trimmingASCIIWhitespace()))
        var gone = false
        for _ in 0..<200 where !gone {
            // Reaped by init once killed; until then it may be a zombie, which counts as gone.
            let state = (try? FileSystem.readFile("/proc/\(pid)/stat")).map { String(decoding: $0, as: UTF8.self) }
            gone = state == nil || state!.split(separator: ")").last?.split(separator: " ").first == "Z"
            if !gone { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(gone)
    }
}
