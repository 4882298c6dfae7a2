import Testing
@testable import Actors
import Runtime

@Suite struct StderrTailTests {
    // What node prints when an ESM entry throws at start: the cause survives, frames do not.
    @Test func keepsTheCauseAndDropsStackFrames() {
        let text = """
            file:///data/artifacts/services/greeter/runtime/bin/greeter.js:9
              throw new Error("greeter cannot start: token tok-secret-77 rejected by https://bob:pw@api.example.com/v1");
              ^

            Error: greeter cannot start: token tok-secret-77 rejected by https://bob:pw@api.example.com/v1
                at file:///data/artifacts/services/greeter/runtime/bin/greeter.js:9:9
                at ModuleJob.run (node:internal/modules/esm/module_job:271:25)

            Node.js v20.20.2
            """
        let tail = StderrTail.summarize(text, secrets: StderrTail.secretStrings(#"{"apiToken":"tok-secret-77","n":{"k":"ab"}}"#))
        let expected = "file:///data/artifacts/services/greeter/runtime/bin/greeter.js:9 | "
            + "throw new Error(\"greeter cannot start: token ****** rejected by https://bob:******@api.example.com/v1\"); | "
            + "Error: greeter cannot start: token ****** rejected by https://bob:******@api.example.com/v1"
        #expect(tail == expected)
    }

    @Test func boundedAndOnlyThisStart() throws {
        let path = "/tmp/octobus-stderr-tail-\(UInt32.random(in: 0...UInt32.max)).log"
        defer { try? FileSystem.removeTree(path) }
        try FileSystem.writeFile(path, Array("an older start said this\n".utf8))
        let offset = FileSystem.size(path) ?? 0
        let long = String(repeating: "x", count: 1000)
        try FileSystem.writeFile(path, Array(("an older start said this\n" + (1...20).map { "line \($0) \(long)" }.joined(separator: "\n")).utf8))
        let tail = try #require(StderrTail.read(path, from: offset, secretJSON: "{}"))
        let lines = tail.split(separator: " | ")
        #expect(lines.count == StderrTail.maximumLines)
        #expect(lines.last?.hasPrefix("line 20 ") == true)
        #expect(lines.allSatisfy { $0.count <= StderrTail.maximumLineLength + 1 })
        #expect(!tail.contains("older start"))
        #expect(StderrTail.read(path, from: FileSystem.size(path) ?? 0, secretJSON: "{}") == nil)
    }
}
