import Glibc
import Protocols
import Runtime

/// Owns the instance actors: creates them on demand (spread over the loops), restores
/// enabled instances when the daemon starts, stops every child when it shuts down, and
/// restarts a service's instances after a re-import.
public actor InstanceSupervisor: InstanceRestarting {
    private let context: SupervisorContext
    private let group: EventLoopGroup
    nonisolated var paths: InstancePaths { context.paths }
    private var actors: [String: InstanceActor] = [:]

    /// How many instances start or restart at once (SPEC §3.4, §5.1).
    static let parallelism = 4

    init(context: SupervisorContext, group: EventLoopGroup) {
        self.context = context
        self.group = group
    }

    func actor(for id: String) -> InstanceActor {
        if let existing = actors[id] { return existing }
        let created = InstanceActor(id: id, loop: group.next(), context: context)
        actors[id] = created
        return created
    }

    /// Forgets an instance after it was stopped and deleted.
    func remove(_ id: String) {
        actors[id] = nil
    }

    // MARK: Daemon lifecycle

    /// Daemon start: stop processes a killed daemon left behind (matched by pid, start
    /// time and command line), clear stale state, then start every enabled long-running
    /// instance, `parallelism` at a time.
    func restore() async {
        let store = context.store
        guard let instances = try? await store.instances() else { return }
        var toStart: [String] = []
        for instance in instances {
            guard let service = try? await store.service(id: instance.serviceID) else { continue }
            if let pid = instance.pid {
                await reapOrphan(pid: pid, ticks: instance.processStartTicks, instanceID: instance.id)
            }
            switch service.runtimeMode {
            case .longRunning:
                try? await store.setInstanceState(id: instance.id, InstanceRuntimeState(status: .stopped, pid: nil))
                if instance.enabled { toStart.append(instance.id) }
            case .onDemand:
                try? await store.setInstanceState(id: instance.id, InstanceRuntimeState(status: instance.enabled ? .running : .stopped, pid: nil))
            }
        }
        let errors = await forEach(toStart) { id async -> String? in
            do throws(AdminError) {
                _ = try await self.actor(for: id).start()
                return nil
            } catch {
                return "\(id): \(error.message)"
            }
        }
        for error in errors.compactMap({ $0 }) {
            context.logger.error("instance_restore_failed", ["error": error])
        }
        context.logger.info("instances_restored", ["started": String(toStart.count - errors.compactMap { $0 }.count), "failed": String(errors.compactMap { $0 }.count)])
    }

    /// A process recorded for an instance that still runs (its daemon was killed): stop its group.
    private func reapOrphan(pid: Int32, ticks: Int64?, instanceID: String) async {
        guard ProcessTable.isAlive(pid: pid, startTicks: ticks),
              ProcessTable.commandLine(pid: pid).contains(instanceID) else { return }
        context.logger.warning("instance_orphan_stopped", ["instance_id": instanceID, "pid": String(pid)])
        kill(-pid, SIGINT)
        kill(pid, SIGINT)
        let loop = group.loops[0]
        for _ in 0..<20 where ProcessTable.isAlive(pid: pid, startTicks: ticks) {
            await loop.sleep(milliseconds: 100)
        }
        if ProcessTable.isAlive(pid: pid, startTicks: ticks) {
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            for _ in 0..<20 where ProcessTable.isAlive(pid: pid, startTicks: ticks) {
                await loop.sleep(milliseconds: 100)
            }
        }
    }

    /// Daemon shutdown: stop every child; enabled instances stay enabled for the next start.
    func shutdown() async {
        let all = Array(actors.values)
        _ = await forEach(all) { actor async -> Int in
            _ = await actor.stop(disable: false)
            return 0
        }
    }

    // MARK: InstanceRestarting

    public func restartEnabledInstances(serviceID: String) async -> (restarted: [String], errors: [String]) {
        guard let instances = try? await context.store.instances(serviceID: serviceID) else { return ([], []) }
        let ids = instances.filter(\.enabled).map(\.id)
        let results = await forEach(ids) { id async -> (String, String?) in
            do throws(AdminError) {
                _ = try await self.actor(for: id).restart()
                return (id, nil)
            } catch {
                return (id, "instance \(id): \(error.message)")
            }
        }
        return (results.filter { $0.1 == nil }.map(\.0), results.compactMap(\.1))
    }

    /// Runs `body` over `items` with at most `parallelism` at once; results in input order.
    private func forEach<Item: Sendable, Output: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) async -> Output) async -> [Output] {
        var results = [Output?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            while next < min(Self.parallelism, items.count) {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
            while let (index, output) = await group.next() {
                results[index] = output
                if next < items.count {
                    let item = next
                    group.addTask { (item, await body(items[item])) }
                    next += 1
                }
            }
        }
        return results.map { $0! }
    }
}
