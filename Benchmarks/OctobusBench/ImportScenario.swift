import Foundation

/// Time to import `examples/calculator-js` from a directory, split into npm (pack +
/// production install), protoc (descriptor) and the rest (copying, validation, commit),
/// from the daemon's progress events as the CLI receives them.
struct ImportScenario {
    let octobus: String
    let repository: String
    let rounds: Int

    func run() throws -> String {
        let work = NSTemporaryDirectory() + "octobus-bench-import-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let daemon = try DaemonHandle(octobus: octobus, dataDirectory: work + "/data", logPath: work + "/daemon.log")
        defer { daemon.stop() }

        var totals: [Double] = [], npm: [Double] = [], protoc: [Double] = []
        for round in 0..<rounds {
            let timeline = try timedImport(daemon: daemon, serviceID: "calc\(round)", source: repository + "/examples/calculator-js")
            totals.append(timeline.total)
            npm.append(timeline.stages["build_package", default: 0] + timeline.stages["prepare_runtime", default: 0])
            protoc.append(timeline.stages["compile_descriptor", default: 0])
        }
        let t = Harness.median(totals), n = Harness.median(npm), p = Harness.median(protoc)
        return """
        ### import: `octobus service import calc ./examples/calculator-js` (\(rounds) runs, medians)

        | part | ms |
        |---|---|
        | npm (pack + production install of the local SDK) | \(Int(n * 1000)) |
        | protoc (descriptor set) | \(Int(p * 1000)) |
        | rest (copy, validate, hash, commit) | \(Int((t - n - p) * 1000)) |
        | **total** | **\(Int(t * 1000))** |

        Runs (total ms): \(totals.map { String(Int($0 * 1000)) }.joined(separator: ", ")).

        """
    }

    struct Timeline {
        var total: Double
        var stages: [String: Double]
    }

    /// Runs the import CLI, timestamping each progress line on arrival.
    func timedImport(daemon: DaemonHandle, serviceID: String, source: String) throws -> Timeline {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: octobus)
        process.arguments = ["--addr", "127.0.0.1:\(daemon.port)", "service", "import", serviceID, source, "--offline"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let start = Date()
        try process.run()
        var marks: [(String, Date)] = []
        var buffer = Data()
        while true {
            let chunk = stderr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            let now = Date()
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                if let colon = line.firstIndex(of: ":") { marks.append((String(line[..<colon]), now)) }
            }
        }
        process.waitUntilExit()
        let end = Date()
        guard process.terminationStatus == 0 else { throw Harness.Failure(description: "import failed") }
        var stages: [String: Double] = [:]
        for (index, mark) in marks.enumerated() {
            let next = index + 1 < marks.count ? marks[index + 1].1 : end
            stages[mark.0, default: 0] += next.timeIntervalSince(mark.1)
        }
        return Timeline(total: end.timeIntervalSince(start), stages: stages)
    }
}
