import Glibc
import Testing
@testable import Actors
@testable import Protocols
@testable import Runtime

/// The on-demand spawn-and-exchange mechanism (SPEC §5.2) with the real example package:
/// imported through the real pipeline (npm, protoc), invoked with real node processes.
@Suite(.serialized) struct OnDemandInvokeTests {
    /// Everything one test needs: a store, an imported on-demand calculator, an instance.
    struct Fixture {
        let group: EventLoopGroup
        let store: StoreActor
        let context: SupervisorContext
        let service: ServiceRecord
        let instance: InstanceRecord
        let descriptors: DescriptorSet

        static func make() async throws -> Fixture {
            let dir = temporaryDirectory("ondemand")
            let group = EventLoopGroup(count: 1)
            let store = try StoreActor(path: dir + "/octobus.db")
            let paths = InstancePaths(dataDirectory: dir)
            try FileSystem.createDirectories(paths.servicesDirectory, mode: 0o755)
            let environment = ProcessEnvironment.current()
            let logger = Logger(minimumLevel: .error)
            let context = SupervisorContext(store: store, paths: paths, logger: logger, baseEnvironment: environment, pool: .shared)
            let supervisor = InstanceSupervisor(context: context, group: group)
            var importEnvironment = ImportEnvironment(servicesDirectory: paths.servicesDirectory, loop: group.loops[0], pool: .shared,
                                                      logger: logger, toolEnvironment: environment)
            // The example depends on the repository's SDK by `file:../../sdk`, outside the package.
            importEnvironment.bundledSDK = FileSystem.realPath(repositoryRoot + "/sdk")
            let imports = ImportActor(environment: importEnvironment, store: store, state: DaemonState(), restarter: supervisor)
            var request = ImportRequest(source: repositoryRoot + "/examples/calculator-on-demand-js")
            request.serviceID = "calc"
            request.offline = true
            let committed = try await imports.run(request, progress: .silent).committed
            let service = committed[0].service
            // Served by the bundled SDK (the example's file:../../sdk names it): no npm run at all.
            #expect(service.sdk.hasPrefix("bundled "))
            #expect(service.runtimeMode == .onDemand)
            let operations = InstanceOperations(store: store, supervisor: supervisor, pool: .shared, logger: logger)
            let instance = try await operations.create(.init(
                id: "calc-1", serviceID: "calc", name: nil, config: try JSONParser.parse(#"{"label":"on-demand"}"#),
                secret: try JSONParser.parse(#"{"apiToken":"fd3-secret"}"#), start: true))
            let descriptors = try DescriptorSet.decode(try FileSystem.readFile(service.descriptorPath))
            return Fixture(group: group, store: store, context: context, service: service, instance: instance, descriptors: descriptors)
        }

        func invoke(_ method: String, _ request: [UInt8], metadata: [(String, String)] = []) async -> InvokeResult {
            await OnDemandInvoker.invoke(context: context, loop: group.loops[0], instance: instance, service: service, method: method,
                                         request: request, metadata: metadata, descriptors: descriptors)
        }
    }

    static var repositoryRoot: String {
        var path = #filePath
        for _ in 0..<4 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }

    @Test func createdOnDemandInstancesAreRunningWithoutAProcess() async throws {
        let fixture = try await Fixture.make()
        #expect(fixture.instance.enabled)
        #expect(fixture.instance.status == .running)
        #expect(fixture.instance.pid == nil)
        #expect(fixture.instance.listenAddress == "")
    }

    @Test func invokesAUnaryMethodWithConfigSecretAndMetadata() async throws {
        let fixture = try await Fixture.make()
        let input = fixture.descriptors.message(fullName: "calculator.v1.BinaryOperationRequest")!
        let output = fixture.descriptors.message(fullName: "calculator.v1.CalculatorResponse")!
        let request = try ProtobufCodec.encodeFromJSON(try JSONParser.parse(#"{"left":20,"right":22}"#), message: input, in: fixture.descriptors)
        let result = await fixture.invoke("calculator.v1.CalculatorService/Add", request,
                                          metadata: [("x-octobus-ext-business-request-id", "req-9")])
        guard case .success(let bytes) = result else {
            Issue.record("invoke failed: \(result)")
            return
        }
        let json = try ProtobufCodec.decodeToJSON(bytes, message: output, in: fixture.descriptors)
        #expect(json["result"]?.doubleValue == 42)
        #expect(json["label"]?.stringValue == "on-demand")
        #expect(json["secretToken"]?.stringValue == "fd3-secret")
        #expect(json["serviceId"]?.stringValue == "calc")
        #expect(json["instanceId"]?.stringValue == "calc-1")
        #expect(json["businessRequestId"]?.stringValue == "req-9")
        // The per-call temp dir is removed afterwards; the secret never touches disk.
        let tmp = fixture.context.paths.workdir("calc-1") + "/tmp"
        for _ in 0..<50 where ((try? FileSystem.listDirectory(tmp)) ?? []).contains(where: { $0.hasPrefix("invoke-") }) {
            await fixture.group.loops[0].sleep(milliseconds: 20)
        }
        #expect(((try? FileSystem.listDirectory(tmp)) ?? []).allSatisfy { !$0.hasPrefix("invoke-") })
    }

    @Test func reportsHandlerAndProtocolErrorsAsStatuses() async throws {
        let fixture = try await Fixture.make()
        let unknown = await fixture.invoke("calculator.v1.CalculatorService/Multiply", [])
        guard case .failure(let code, let message) = unknown else {
            Issue.record("expected a failure, got \(unknown)")
            return
        }
        #expect(code == .unimplemented)
        #expect(!message.isEmpty)
        let garbage = await fixture.invoke("calculator.v1.CalculatorService/Add", [0xFF, 0xFF, 0xFF])
        guard case .failure(let badCode, _) = garbage else {
            Issue.record("expected a failure, got \(garbage)")
            return
        }
        #expect(badCode == .internal)
    }

    @Test func notRunningInstancesAreUnavailable() async throws {
        let fixture = try await Fixture.make()
        var stopped = fixture.instance
        stopped.status = .stopped
        let result = await OnDemandInvoker.invoke(context: fixture.context, loop: fixture.group.loops[0], instance: stopped,
                                                  service: fixture.service, method: "calculator.v1.CalculatorService/Add",
                                                  request: [], metadata: [], descriptors: fixture.descriptors)
        #expect(result == .failure(.unavailable, "backend instance is not running"))
    }

    @Test func timesOutSlowInvocations() async throws {
        let fixture = try await Fixture.make()
        let input = fixture.descriptors.message(fullName: "calculator.v1.BinaryOperationRequest")!
        let request = try ProtobufCodec.encodeFromJSON(try JSONParser.parse(#"{"left":1,"right":2}"#), message: input, in: fixture.descriptors)
        // Node cannot even start within 1 ms: the deadline path kills it.
        let result = await OnDemandInvoker.invoke(context: fixture.context, loop: fixture.group.loops[0], instance: fixture.instance,
                                                  service: fixture.service, method: "calculator.v1.CalculatorService/Add",
                                                  request: request, metadata: [], descriptors: fixture.descriptors, timeoutMilliseconds: 1)
        #expect(result == .failure(.deadlineExceeded, "on-demand invoke timed out"))
    }
}
