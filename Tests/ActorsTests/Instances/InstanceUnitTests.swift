import Testing
@testable import Actors
@testable import Protocols
@testable import Runtime

@Suite struct OnDemandFailureTests {
    @Test func usesTheLastOctobusErrorLine() {
        let stderr = "warning: noise\nOCTOBUS_ERROR:{\"code\":\"NOT_FOUND\",\"message\":\"no such thing\"}\n\n"
        #expect(OnDemandInvoker.parseFailure(stderr: stderr, exit: ProcessExit(code: 1, signal: 0)) == .failure(.notFound, "no such thing"))
    }

    @Test func otherStderrIsInternal() {
        let result = OnDemandInvoker.parseFailure(stderr: "TypeError: boom\n  at x\n", exit: ProcessExit(code: 1, signal: 0))
        #expect(result == .failure(.internal, "TypeError: boom\nat x"))
        #expect(OnDemandInvoker.parseFailure(stderr: "", exit: ProcessExit(code: 0, signal: 9)) == .failure(.internal, "on-demand invoke failed (killed by signal 9)"))
    }

    @Test func unknownCodesAndOKAreInternal() {
        #expect(OnDemandInvoker.parseFailure(stderr: "OCTOBUS_ERROR:{\"code\":\"TEAPOT\",\"message\":\"x\"}", exit: ProcessExit(code: 1, signal: 0))
                == .failure(.internal, "OCTOBUS_ERROR:{\"code\":\"TEAPOT\",\"message\":\"x\"}"))
        #expect(OnDemandInvoker.parseFailure(stderr: "OCTOBUS_ERROR:{\"code\":\"OK\",\"message\":\"fine?\"}", exit: ProcessExit(code: 1, signal: 0))
                == .failure(.internal, "fine?"))
    }

    @Test func writesMetadataAsArrays() throws {
        let bytes = OnDemandInvoker.metadataJSON([("x-business-request-id", "r1"), ("x-octobus-ext-a", "1"), ("x-octobus-ext-a", "2")])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"x-business-request-id":["r1"],"x-octobus-ext-a":["1","2"]}"#)
    }
}

@Suite struct RestartBackoffTests {
    @Test func followsTheSpecSequenceAndResetsAfterStability() {
        var backoff = RestartBackoff()
        #expect((0..<7).map { _ in backoff.nextDelay() } == [1_000, 2_000, 5_000, 10_000, 30_000, 30_000, 30_000])
        backoff.processRan(forMilliseconds: 5_000)
        #expect(backoff.nextDelay() == 30_000)
        backoff.processRan(forMilliseconds: RestartBackoff.stablePeriodMilliseconds)
        #expect(backoff.nextDelay() == 1_000)
    }
}

@Suite struct ProcessTableTests {
    @Test func readsOurOwnStartTime() {
        let pid = getpid()
        let ticks = ProcessTable.startTicks(pid: pid)
        #expect(ticks != nil)
        #expect(ProcessTable.isAlive(pid: pid, startTicks: ticks))
        #expect(!ProcessTable.isAlive(pid: pid, startTicks: (ticks ?? 0) + 1))
        #expect(!ProcessTable.isAlive(pid: 0, startTicks: nil))
    }
}

@Suite struct IdentifierTests {
    @Test func followsTheIDRule() {
        for good in ["a", "calc", "calculator-test", "A_b-9", String(repeating: "x", count: 63)] { #expect(Identifier.isValid(good)) }
        for bad in ["", "9a", "-a", "a b", "a.b", "ä", String(repeating: "x", count: 64)] { #expect(!Identifier.isValid(bad)) }
        #expect {
            try Identifier.validate("9x", kind: "instance")
        } throws: { ($0 as? AdminError)?.message == "invalid instance id \"9x\": must match ^[a-zA-Z][a-zA-Z0-9_-]{0,62}$" }
    }
}

import Glibc
