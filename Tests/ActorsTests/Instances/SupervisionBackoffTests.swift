import Glibc
import Testing
@testable import Actors
@testable import Protocols
@testable import Runtime

/// Crash restarts follow the SPEC §5.1 backoff (1 s, 2 s, 5 s, …) and the streak resets after
/// a stable minute — checked on an injected clock, so the test waits for events, not delays.
/// The instance is a real node process (the calculator example, made to exit when a trigger
/// file appears in its workdir).
@Suite(.serialized) struct SupervisionBackoffTests {
    static var repositoryRoot: String {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }

    /// The example's entry, plus a watcher that exits (status 3) once `crash` exists in the cwd.
    static let crashingEntry = """
        #!/usr/bin/env node
        import fs from "node:fs";
        import { defineService, runServiceMain } from "@chaitin-ai/octobus-sdk";
        setInterval(() => {
          if (fs.existsSync("crash")) { fs.unlinkSync("crash"); process.exit(3); }
        }, 20);
        runServiceMain(defineService({ handlers: {
          "calculator.v1.CalculatorService/Add": (ctx) => ({ result: ctx.request.left + ctx.request.right }),
        } }));
        """

    @Test func crashRestartsFollowTheBackoffAndResetAfterAStableMinute() async throws {
        let dir = temporaryDirectory("backoff")
        let package = dir + "/crashing"
        try FileSystem.copyTree(Self.repositoryRoot + "/examples/calculator-js", to: package) { $0 == "node_modules" }
        guard var manifest = try JSONParser.parse(try FileSystem.readFile(package + "/package.json")).objectValue else {
            Issue.record("example package.json is not an object")
            return
        }
        manifest["dependencies"] = .object(["@chaitin-ai/octobus-sdk": .string("file:" + Self.repositoryRoot + "/sdk")])
        try FileSystem.writeFile(package + "/package.json", JSONWriter(pretty: true).bytes(.object(manifest)), mode: 0o644)
        try FileSystem.writeFile(package + "/bin/calculator.js", Array(Self.crashingEntry.utf8), mode: 0o755)

        let clock = ManualClock()
        let group = EventLoopGroup(count: 1)
        defer { group.shutdown() }
        let store = try StoreActor(path: dir + "/octobus.db")
        let paths = InstancePaths(dataDirectory: dir)
        try FileSystem.createDirectories(paths.servicesDirectory, mode: 0o755)
        let logger = Logger(minimumLevel: .error)
        var context = SupervisorContext(store: store, paths: paths, logger: logger, baseEnvironment: ProcessEnvironment.current(), pool: .shared)
        context.clock = clock
        let supervisor = InstanceSupervisor(context: context, group: group)
        var importEnvironment = ImportEnvironment(servicesDirectory: paths.servicesDirectory, loop: group.loops[0], pool: .shared,
                                                  logger: logger, toolEnvironment: ProcessEnvironment.current())
        importEnvironment.bundledSDK = FileSystem.realPath(Self.repositoryRoot + "/sdk")
        let imports = ImportActor(environment: importEnvironment, store: store, state: DaemonState(), restarter: supervisor)
        var request = ImportRequest(source: package)
        request.serviceID = "crashing"
        request.offline = true
        _ = try await imports.run(request, progress: .silent)
        let operations = InstanceOperations(store: store, supervisor: supervisor, pool: .shared, logger: logger)
        _ = try await operations.create(.init(id: "c1", serviceID: "crashing", name: nil, config: nil, secret: nil, start: true))

        func crash() throws {
            try FileSystem.writeFile(paths.workdir("c1") + "/crash", [], mode: 0o600)
        }
        func waitUntilRunning(after pid: Int32?) async throws {
            // Observable state, polled: the store says running with a new process.
            for _ in 0..<400 {
                if let record = try await store.instance(id: "c1"), record.status == .running, let current = record.pid, current != pid {
                    return
                }
                try await Task.sleep(for: .milliseconds(25))
            }
            Issue.record("instance did not come back")
        }
        var pid = try await store.instance(id: "c1")?.pid
        #expect(pid != nil)

        for expected: UInt64 in [1_000, 2_000, 5_000, 10_000, 30_000, 30_000] {
            try crash()
            let delay = await clock.nextScheduledDelay()
            #expect(delay == expected)
            #expect(try await store.instance(id: "c1")?.status == .degraded)
            // Not restarted before its time: just short of the delay nothing is due.
            clock.advance(byMilliseconds: delay - 1)
            #expect(clock.pendingTimerCount == 1)
            clock.advance(byMilliseconds: 1)
            try await waitUntilRunning(after: pid)
            pid = try await store.instance(id: "c1")?.pid
        }

        // A minute of stable running ends the streak: the next crash waits 1 s again.
        clock.advance(byMilliseconds: RestartBackoff.stablePeriodMilliseconds)
        try crash()
        #expect(await clock.nextScheduledDelay() == 1_000)

        _ = await supervisor.actor(for: "c1").stop(disable: true)
        await store.close()
    }
}
