import Foundation

// The bundled load harness: `swift run -c release OctobusBench <scenario> [options]`.
// Each scenario starts what it measures, runs its baseline in the same run, and prints a
// Markdown section for BENCHMARKS.md.

let usage = """
usage: OctobusBench status [--octobus PATH] [--rounds N] [--requests N] [--clients N] [--streams N]
       OctobusBench cpu [--octobus PATH] [--rounds N] [--requests N]   (server CPU per request)
       OctobusBench import [--octobus PATH] [--rounds N]
       OctobusBench instances [--octobus PATH] [--count N]
       OctobusBench sdk      (runs Benchmarks/sdk/run_benchmark.py with the venv's python)
       OctobusBench bare-server [--loops N]   (the HTTP runtime alone, fixed reply; prints its port)
       OctobusBench gateway [--octobus PATH] [--rounds N] [--requests N] [--clients N] [--streams N]
       OctobusBench protocols [--octobus PATH] [--rounds N] [--requests N] [--clients N] [--streams N]
                                      (gRPC vs Connect JSON vs MCP tools/call through the gateway, CPU split)
       OctobusBench backend [--host H] [--port N] [--loops N]   (the native gRPC benchmark backend)
       OctobusBench loadgen [--octobus PATH] [--rounds N] [--requests N] [--clients N] [--streams N]
                                      (octobus bench vs h2load: requests/s and client CPU per request)
       OctobusBench bench-package DIR  (writes the native backend's service package, for octobus service import)
"""

var arguments = Array(CommandLine.arguments.dropFirst())
guard let scenario = arguments.first else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
arguments.removeFirst()
@MainActor func option(_ name: String, _ fallback: String) -> String {
    if let index = arguments.firstIndex(of: name), index + 1 < arguments.count { return arguments[index + 1] }
    return fallback
}
let octobus = option("--octobus", FileManager.default.currentDirectoryPath + "/.build/release/octobus")

do {
    switch scenario {
    case "status":
        let report = try StatusScenario(
            octobus: octobus, rounds: Int(option("--rounds", "5"))!, requests: Int(option("--requests", "300000"))!,
            clients: Int(option("--clients", "10"))!, streams: Int(option("--streams", "10"))!
        ).run()
        print(report)
    case "cpu":
        print(try CPUScenario(octobus: octobus, bench: CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : try Harness.resolve(CommandLine.arguments[0]),
                              rounds: Int(option("--rounds", "5"))!, requests: Int(option("--requests", "300000"))!).run())
    case "import":
        print(try ImportScenario(octobus: octobus, repository: FileManager.default.currentDirectoryPath,
                                 rounds: Int(option("--rounds", "5"))!).run())
    case "instances":
        print(try InstancesScenario(octobus: octobus, repository: FileManager.default.currentDirectoryPath,
                                    count: Int(option("--count", "20"))!).run())
    case "gateway":
        let bench = CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : try Harness.resolve(CommandLine.arguments[0])
        print(try await GatewayScenario(octobus: octobus, bench: URL(fileURLWithPath: bench).standardizedFileURL.path, rounds: Int(option("--rounds", "3"))!,
                                        requests: Int(option("--requests", "200000"))!, clients: Int(option("--clients", "10"))!,
                                        streams: Int(option("--streams", "10"))!).run())
    case "protocols":
        let bench = CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : try Harness.resolve(CommandLine.arguments[0])
        print(try ProtocolsScenario(octobus: octobus, bench: URL(fileURLWithPath: bench).standardizedFileURL.path, rounds: Int(option("--rounds", "5"))!,
                                    requests: Int(option("--requests", "100000"))!, clients: Int(option("--clients", "10"))!,
                                    streams: Int(option("--streams", "10"))!).run())
    case "loadgen":
        let bench = CommandLine.arguments[0].contains("/") ? CommandLine.arguments[0] : try Harness.resolve(CommandLine.arguments[0])
        print(try LoadgenScenario(octobus: octobus, bench: URL(fileURLWithPath: bench).standardizedFileURL.path, rounds: Int(option("--rounds", "5"))!,
                                  requests: Int(option("--requests", "500000"))!, clients: Int(option("--clients", "10"))!,
                                  streams: Int(option("--streams", "10"))!).run())
    case "bench-package":
        guard let directory = arguments.first else {
            FileHandle.standardError.write(Data("usage: OctobusBench bench-package DIR\n".utf8))
            exit(2)
        }
        try BenchPackage.write(to: directory)
    case "backend":
        try await NativeBackend.run(host: option("--host", "127.0.0.1"), port: Int(option("--port", "0"))!, loops: Int(option("--loops", "1"))!)
    case "bare-server":
        try await BareServer.run(loops: Int(option("--loops", "2"))!)
    case "sdk":
        let result = try Harness.run(FileManager.default.currentDirectoryPath + "/.venv/bin/python", ["Benchmarks/sdk/run_benchmark.py"])
        print(result.stdout)
        if result.status != 0 { throw Harness.Failure(description: result.stderr) }
    default:
        FileHandle.standardError.write(Data("unknown scenario \(scenario)\n\(usage)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
    exit(1)
}
