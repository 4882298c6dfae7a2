import Glibc
import Protocols
import Runtime

/// One long-running instance: its process, health, restarts and recorded state.
///
/// The actor is pinned to an event loop, where its child process, timers and health
/// checks live; process exits arrive as loop callbacks and enter the actor synchronously.
/// Every start/stop bumps `generation`, so work begun for an older generation (a pending
/// restart, a health check) notices after each `await` that it is stale and gives up.
actor InstanceActor {
    private enum State {
        /// No process and nothing pending.
        case idle
        /// Spawned or spawning, health not confirmed yet.
        case starting(generation: Int, process: ChildProcess?)
        case running(generation: Int, process: ChildProcess, port: Int, since: UInt64)
        /// Crashed; a restart timer is pending.
        case waitingToRestart(generation: Int)
        case stopping
    }

    let id: String
    private let loop: EventLoop
    private let context: SupervisorContext
    private var state = State.idle
    private var generation = 0
    private var backoff = RestartBackoff()
    /// Tasks waiting for the current process to exit, by token (so a timeout can remove its own).
    private var exitWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterToken = 0

    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.asUnownedSerialExecutor() }

    init(id: String, loop: EventLoop, context: SupervisorContext) {
        self.id = id
        self.loop = loop
        self.context = context
    }

    /// The pid of the live process, if any.
    var pid: Int32? {
        switch state {
        case .starting(_, let process?): process.pid
        case .running(_, let process, _, _): process.pid
        default: nil
        }
    }

    var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    // MARK: One operation at a time

    /// Start, stop, restart and automatic restarts run one at a time: the actor is
    /// reentrant at every `await`, and two overlapping starts would each spawn a process.
    private let operations = SerialGate()
    /// Config writes (store row + config.json) run one at a time, so the file always holds
    /// what the store holds. Taken after `operations` when both are needed.
    private let configWrites = SerialGate()

    // MARK: Start

    /// Starts the process and waits until it is healthy. Idempotent while running.
    func start() async throws(AdminError) -> InstanceRecord {
        await operations.enter()
        defer { operations.leave() }
        if case .running = state, let record = try? await context.store.instance(id: id) { return record }
        backoff.reset()
        return try await launch(automatic: false)
    }

    /// Stops (if needed) then starts.
    func restart() async throws(AdminError) -> InstanceRecord {
        await operations.enter()
        defer { operations.leave() }
        await terminateProcess()
        backoff.reset()
        return try await launch(automatic: false)
    }

    private func launch(automatic: Bool) async throws(AdminError) -> InstanceRecord {
        generation += 1
        let myGeneration = generation
        state = .starting(generation: myGeneration, process: nil)
        let store = context.store

        guard let instance = try await storeCall({ try await store.instance(id: self.id) }) else {
            state = .idle
            throw AdminError.notFound("instance not found")
        }
        guard let service = try await storeCall({ try await store.service(id: instance.serviceID) }) else {
            state = .idle
            throw AdminError.badRequest("service \"\(instance.serviceID)\" of instance \"\(id)\" not found")
        }
        guard service.runtimeMode == RuntimeMode.longRunning else {
            state = .idle
            throw AdminError.badRequest("on-demand runtime mode does not support persistent runtime control")
        }
        let secret = try await storeCall({ try await store.instanceSecret(id: self.id) }) ?? "{}"
        guard isCurrent(myGeneration) else { throw AdminError(status: 409, "instance \(id) was stopped while starting") }

        let launch = InstanceLaunch(paths: context.paths, service: service, instance: instance, baseEnvironment: context.baseEnvironment)
        let entry = launch.entry
        let prepared: Result<Void, AdminError> = await context.pool.run {
            guard FileSystem.isRegularFile(entry) else {
                return .failure(AdminError.badRequest("instance entry \(entry) is not a regular file; re-import service \(service.id)"))
            }
            do {
                try launch.prepareWorkdir()
                return .success(())
            } catch {
                return .failure(AdminError.internalError("prepare workdir: \(error)"))
            }
        }
        if case .failure(let error) = prepared {
            await record(InstanceRuntimeState(enabled: true, status: .failed, lastError: error.message))
            state = .idle
            throw error
        }
        // config.json is rewritten on every start (SPEC §4), from the store's current value.
        do throws(AdminError) {
            try await syncConfigFile()
        } catch {
            await record(InstanceRuntimeState(enabled: true, status: .failed, lastError: error.message))
            state = .idle
            throw error
        }
        let port = Int(octoPickFreePort())
        guard port > 0 else {
            state = .idle
            throw AdminError.internalError("cannot allocate a port: \(UVError(Int32(port)))")
        }
        let address = "127.0.0.1:\(port)"
        await record(InstanceRuntimeState(enabled: true, status: .starting, listenAddress: address, lastError: ""))
        guard isCurrent(myGeneration) else { throw AdminError(status: 409, "instance \(id) was stopped while starting") }

        // What this start writes to stderr.log begins here (for the reason of an early exit).
        let stderrLog = context.paths.stderrLog(id)
        let stderrOffset = await context.pool.run { FileSystem.size(stderrLog) ?? 0 }
        // Spawn (we run on the loop that owns the child).
        let child: ChildProcess
        do throws(SpawnError) {
            child = try ChildProcess.spawn(loop: loop, options: launch.serveOptions(port: port, secret: secret))
        } catch {
            await record(InstanceRuntimeState(enabled: true, status: .failed, listenAddress: address, lastError: error.description))
            state = .idle
            context.logger.error("instance_start_failed", ["instance_id": id, "error": error.description])
            throw AdminError.internalError(error.description)
        }
        let startedAt = MonotonicClock.nanoseconds()
        child.onTermination = { [self, loop] exit in
            loop.assertInEventLoop()
            self.assumeIsolated { $0.processExited(exit, generation: myGeneration, startedAt: startedAt) }
        }
        state = .starting(generation: myGeneration, process: child)
        let ticks = ProcessTable.startTicks(pid: child.pid)
        await record(InstanceRuntimeState(enabled: true, status: .starting, pid: child.pid, processStartTicks: ticks, listenAddress: address))
        context.logger.info("instance_spawned", ["instance_id": id, "service_id": service.id, "pid": String(child.pid), "addr": address])

        // Health.
        let deadline = MonotonicClock.nanoseconds() + SupervisorContext.healthDeadlineMilliseconds * 1_000_000
        var lastError = "no attempt made"
        while true {
            guard case .starting(let g, let process?) = state, g == myGeneration, process === child, child.exit == nil else {
                if isCurrent(myGeneration) || child.exit != nil {
                    let reason = child.exit.map { "process exited (\($0))" } ?? "instance stopped"
                    lastError = reason
                    break
                }
                child.kill(SIGKILL)
                throw AdminError(status: 409, "instance \(id) was stopped while starting")
            }
            let outcome = await HealthCheck.check(loop: loop, port: port, timeoutMilliseconds: SupervisorContext.healthAttemptMilliseconds)
            if outcome == .serving, case .starting(let g, _) = state, g == myGeneration, child.exit == nil {
                state = .running(generation: myGeneration, process: child, port: port, since: context.clock.now())
                await record(InstanceRuntimeState(enabled: true, status: .running, pid: child.pid, processStartTicks: ticks,
                                                  listenAddress: address, lastError: "", restartCount: automatic ? nil : 0))
                context.logger.info("instance_started", ["instance_id": id, "pid": String(child.pid), "addr": address])
                guard let stored = try await storeCall({ try await store.instance(id: self.id) }) else {
                    throw AdminError.notFound("instance not found")
                }
                return stored
            }
            if case .notServing(let reason) = outcome { lastError = reason }
            if MonotonicClock.nanoseconds() >= deadline { break }
            await loop.sleep(milliseconds: SupervisorContext.healthPauseMilliseconds)
        }

        // Unhealthy: kill it and report (with what it said on stderr, if it exited by itself).
        if child.exit != nil, let tail = await context.pool.run({ StderrTail.read(stderrLog, from: stderrOffset, secretJSON: secret) }) {
            lastError += "; stderr: " + tail
        }
        let message = "instance health check failed at \(address): \(lastError)"
        context.logger.error("instance_health_failed", ["instance_id": id, "addr": address, "error": lastError])
        if child.exit == nil {
            child.kill(SIGKILL)
            await waitForExit(timeoutMilliseconds: SupervisorContext.stopGraceMilliseconds)
        }
        if isCurrent(myGeneration) {
            state = .idle
            await record(InstanceRuntimeState(enabled: true, status: .failed, pid: nil, listenAddress: address, lastError: message))
        }
        throw AdminError.badRequest(message)
    }

    // MARK: Exits and restarts

    /// Called on the loop when the child exits.
    private func processExited(_ exit: ProcessExit, generation exitedGeneration: Int, startedAt: UInt64) {
        let waiters = exitWaiters.values
        exitWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
        guard case .running(let g, _, _, let since) = state, g == exitedGeneration else {
            // Starting (the health loop sees the exit) or stopping (expected).
            return
        }
        backoff.processRan(forMilliseconds: (context.clock.now() &- since) / 1_000_000)
        let delay = backoff.nextDelay()
        let attempt = backoff.consecutiveFailures
        state = .waitingToRestart(generation: g)
        context.logger.warning("instance_exited", ["instance_id": id, "status": exit.description,
                                                   "restart_in_ms": String(delay), "attempt": String(attempt)])
        let message = "process exited unexpectedly (\(exit)); restarting in \(delay / 1000) s"
        // The restart is scheduled once `degraded` is recorded, so a restart can never be
        // overwritten by its own crash record.
        Task {
            await self.recordCrash(message: message, attempt: attempt)
            self.scheduleRestart(after: delay, generation: g)
        }
    }

    private func recordCrash(message: String, attempt: Int) async {
        await record(InstanceRuntimeState(status: .degraded, pid: nil, lastError: message, restartCount: attempt))
    }

    private func scheduleRestart(after milliseconds: UInt64, generation expected: Int) {
        context.clock.schedule(on: loop, afterMilliseconds: milliseconds) { [self] in
            Task { await self.automaticRestart(expectedGeneration: expected) }
        }
    }

    private func automaticRestart(expectedGeneration: Int) async {
        await operations.enter()
        defer { operations.leave() }
        guard case .waitingToRestart(let g) = state, g == expectedGeneration else { return }
        // A disabled instance (stopped meanwhile) is not restarted.
        guard let record = try? await context.store.instance(id: id), record.enabled,
              case .waitingToRestart(let again) = state, again == expectedGeneration else {
            return
        }
        do throws(AdminError) {
            _ = try await launch(automatic: true)
            context.logger.info("instance_restarted", ["instance_id": id, "attempt": String(backoff.consecutiveFailures)])
        } catch {
            guard isCurrent(generation) else { return }
            let delay = backoff.nextDelay()
            state = .waitingToRestart(generation: generation)
            await self.record(InstanceRuntimeState(status: .degraded, pid: nil, lastError: "\(error.message); retrying in \(delay / 1000) s",
                                                   restartCount: backoff.consecutiveFailures))
            context.logger.warning("instance_restart_failed", ["instance_id": id, "error": error.message, "retry_in_ms": String(delay)])
            scheduleRestart(after: delay, generation: generation)
        }
    }

    // MARK: Stop

    /// Stops the process. `disable` persists `enabled=0` (user stop); otherwise the
    /// instance stays enabled (daemon shutdown: it comes back on the next start).
    func stop(disable: Bool) async -> InstanceRecord? {
        await operations.enter()
        defer { operations.leave() }
        await terminateProcess()
        await record(InstanceRuntimeState(enabled: disable ? false : nil, status: .stopped, pid: nil))
        return try? await context.store.instance(id: id)
    }

    /// SIGINT to the process group, SIGKILL after the grace period; cancels pending restarts.
    private func terminateProcess() async {
        generation += 1
        let process: ChildProcess?
        switch state {
        case .starting(_, let p): process = p
        case .running(_, let p, _, _): process = p
        default: process = nil
        }
        state = .stopping
        if let process, process.exit == nil {
            process.kill(SIGINT)
            if !(await waitForExit(process, timeoutMilliseconds: SupervisorContext.stopGraceMilliseconds)) {
                context.logger.warning("instance_kill", ["instance_id": id, "pid": String(process.pid)])
                process.kill(SIGKILL)
                _ = await waitForExit(process, timeoutMilliseconds: SupervisorContext.stopGraceMilliseconds)
            }
            context.logger.info("instance_stopped", ["instance_id": id, "pid": String(process.pid)])
        }
        state = .idle
    }

    @discardableResult
    private func waitForExit(_ process: ChildProcess, timeoutMilliseconds: UInt64) async -> Bool {
        if process.exit != nil { return true }
        await waitForExit(timeoutMilliseconds: timeoutMilliseconds)
        return process.exit != nil
    }

    /// Suspends until the next process exit or the timeout.
    private func waitForExit(timeoutMilliseconds: UInt64) async {
        nextWaiterToken += 1
        let token = nextWaiterToken
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            exitWaiters[token] = continuation
            let timer = LoopTimer(loop: loop)
            timer.start(afterMilliseconds: timeoutMilliseconds) { [self] in
                timer.close()
                self.assumeIsolated { $0.timeoutWaiter(token) }
            }
        }
    }

    /// Resumes a waiter whose time ran out (unless an exit already resumed it).
    private func timeoutWaiter(_ token: Int) {
        exitWaiters.removeValue(forKey: token)?.resume()
    }

    // MARK: Config

    /// Stores a new config and rewrites config.json as one step: concurrent updates apply in
    /// arrival order and the file always ends up holding what the store holds.
    func updateConfig(canonicalJSON: String, sha256: String) async throws(AdminError) -> InstanceRecord {
        await configWrites.enter()
        defer { configWrites.leave() }
        let store = context.store
        guard let updated = try await storeCall({ try await store.updateInstanceConfig(id: self.id, configJSON: canonicalJSON, sha256: sha256) }) else {
            throw AdminError.notFound("instance not found")
        }
        try await writeConfigFile(updated.configJSON)
        return updated
    }

    /// Writes config.json from the store's current config (instance create, every start).
    func syncConfigFile() async throws(AdminError) {
        await configWrites.enter()
        defer { configWrites.leave() }
        let store = context.store
        guard let current = try await storeCall({ try await store.instance(id: self.id) }) else {
            throw AdminError.notFound("instance not found")
        }
        try await writeConfigFile(current.configJSON)
    }

    private func writeConfigFile(_ json: String) async throws(AdminError) {
        let paths = context.paths
        let id = self.id
        let result: Result<Void, AdminError> = await context.pool.run {
            do {
                try FileSystem.createDirectories(paths.instancesDirectory, mode: 0o700)
                try FileSystem.createDirectories(paths.workdir(id), mode: 0o700)
                try FileSystem.writeFile(paths.configFile(id), Array(json.utf8), mode: 0o600)
                return .success(())
            } catch {
                return .failure(AdminError.internalError("write config.json: \(error)"))
            }
        }
        try result.get()
    }

    // MARK: Helpers

    private func isCurrent(_ expected: Int) -> Bool { generation == expected }

    private func record(_ runtime: InstanceRuntimeState) async {
        do {
            try await context.store.setInstanceState(id: id, runtime)
        } catch {
            context.logger.error("instance_state_write_failed", ["instance_id": id, "error": error.description])
        }
        // The gateway routes to what was just recorded (running with an address, or not callable).
        await context.routing?.instanceChanged(id)
    }


}
