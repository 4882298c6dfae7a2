import Runtime

/// The load on one event loop: its share of the connections, of the request budget and of
/// the arrival rate, and its own ``LoadRecorder``. Nothing is shared with other loops while
/// the run lasts; the engine merges the recorders at the end.
///
/// Closed loop: a slot that becomes idle sends again at once. Open loop: arrivals follow a
/// fixed schedule (``ArrivalSchedule``); an arrival that finds no idle slot waits, and its
/// latency still counts from its scheduled time, so a stalled server shows in the tail
/// instead of silently slowing the generator down (coordinated omission).
///
/// Loop-confined.
final class LoadWorker {
    private enum Phase { case connecting, running, finished }

    let loop: EventLoop
    let plan: LoadPlan
    private let index: Int
    private let progress: LoadProgress
    private var phase = Phase.connecting
    private(set) var connections: [LoadConnection] = []
    /// Idle slots (a stack: the most recently used stream is reused first).
    private var idle: [LoadSlot] = []
    private var recorder: LoadRecorder
    private var inFlight = 0
    /// False once this loop's share of the load has been issued.
    private var issuing = true
    private var startAt: UInt64 = 0
    private var measureStart: UInt64 = 0
    private var measureEnd = UInt64.max
    /// Measured requests this loop may still issue (`-n`).
    private var remaining = Int.max
    private var schedule: ArrivalSchedule?
    /// Index of the next arrival to send (open loop).
    private var nextArrival = 0
    private var timer: DeadlineTimer?
    private var armedAt: UInt64 = 0
    private var sweepTimer: LoopTimer?
    private var onFinished: ((LoadRecorder) -> Void)?
    private var published = (completed: 0, errors: 0)

    init(loop: EventLoop, plan: LoadPlan, index: Int, loops: Int, progress: LoadProgress, timelineInterval: UInt64) {
        loop.assertInEventLoop()
        self.loop = loop
        self.plan = plan
        self.index = index
        self.progress = progress
        recorder = LoadRecorder(timelineInterval: timelineInterval)
        let connectionCount = (plan.connections - index + loops - 1) / loops // connections i ≡ index (mod loops)
        if case .count(let total) = plan.stop {
            remaining = total / loops + (index < total % loops ? 1 : 0)
        }
        if case .open(let rate) = plan.mode {
            schedule = ArrivalSchedule(rate: rate, loops: loops, index: index)
        }
        connections = (0..<connectionCount).map { _ in LoadConnection(worker: self, streams: plan.streamsPerConnection) }
        idle.reserveCapacity(connectionCount * plan.streamsPerConnection)
    }

    /// Opens every connection (and runs the handshake); the first failure is reported.
    func connect(_ completion: @escaping (BenchError?) -> Void) {
        var waiting = connections.count
        var reported = false
        guard waiting > 0 else { return completion(nil) }
        for connection in connections {
            connection.open { error in
                waiting -= 1
                if let error, !reported {
                    reported = true
                    completion(error)
                } else if waiting == 0, !reported {
                    reported = true
                    completion(nil)
                }
            }
        }
    }

    /// Starts the load at `startAt` (the same instant on every loop); `finished` gets the
    /// recorder once this loop's share is done and every response is in.
    func begin(startAt: UInt64, _ finished: @escaping (LoadRecorder) -> Void) {
        loop.assertInEventLoop()
        onFinished = finished
        phase = .running
        self.startAt = startAt
        measureStart = startAt + plan.warmupNanoseconds
        if case .duration(let duration) = plan.stop { measureEnd = measureStart + duration }
        for connection in connections { idle.append(contentsOf: connection.slots.reversed()) }
        let sweep = LoopTimer(loop: loop)
        sweep.start(afterMilliseconds: BenchLimits.sweepIntervalMilliseconds, repeatMilliseconds: BenchLimits.sweepIntervalMilliseconds) {
            [unowned(unsafe) self] in self.sweep()
        }
        sweepTimer = sweep
        if schedule != nil {
            do {
                let timer = try DeadlineTimer(loop: loop)
                timer.arm(atNanoseconds: startAt) { [unowned(unsafe) self] in
                    armedAt = 0
                    pumpArrivals()
                }
                armedAt = startAt
                self.timer = timer
            } catch {
                // No timerfd (never on Linux): fall back to the sweep timer's cadence.
                pumpArrivals()
            }
        } else {
            // Closed loop: wait for the common start, then fill every slot.
            let startTimer = LoopTimer(loop: loop)
            let delay = startAt > MonotonicClock.nanoseconds() ? (startAt - MonotonicClock.nanoseconds()) / 1_000_000 : 0
            startTimer.start(afterMilliseconds: delay) { [unowned(unsafe) self] in
                startTimer.close()
                while issuing, let slot = idle.popLast() { issueClosed(slot) }
                finishIfDone()
            }
        }
    }

    // MARK: Issuing

    /// Closed loop: sends the next request on `slot`, or keeps it idle when the share is done.
    private func issueClosed(_ slot: LoadSlot) {
        guard issuing else {
            idle.append(slot)
            return
        }
        guard slot.connection.isUsable else {
            slot.connection.park(slot)
            return
        }
        let now = MonotonicClock.nanoseconds()
        let measured = now >= measureStart
        if measured && (now >= measureEnd || remaining == 0) {
            issuing = false
            idle.append(slot)
            return
        }
        if slot.start(request: plan.request, intendedAt: now, now: now, measured: measured) {
            inFlight += 1
            if measured { remaining -= 1 }
        } else {
            slot.connection.park(slot)
        }
    }

    /// Open loop: sends every arrival that is due while idle slots last, then sleeps until
    /// the next arrival (or until a slot frees, when arrivals are waiting).
    private func pumpArrivals() {
        guard phase == .running, let schedule else { return }
        let now = MonotonicClock.nanoseconds()
        while issuing {
            let due = schedule.time(of: nextArrival, from: startAt)
            if due > now {
                if armedAt != due {
                    armedAt = due
                    timer?.rearm(atNanoseconds: due)
                }
                break
            }
            let measured = due >= measureStart
            if measured && (due >= measureEnd || remaining == 0) {
                issuing = false
                break
            }
            guard let slot = popUsableSlot() else {
                // Every stream is busy: the due arrivals wait, and their wait counts.
                let waiting = schedule.arrivals(by: now, from: startAt) - nextArrival
                recorder.maximumBacklog = max(recorder.maximumBacklog, waiting)
                break
            }
            if slot.start(request: plan.request, intendedAt: due, now: now, measured: measured) {
                inFlight += 1
                nextArrival += 1
                if measured { remaining -= 1 }
            } else {
                slot.connection.park(slot)
            }
        }
        finishIfDone()
    }

    private func popUsableSlot() -> LoadSlot? {
        while let slot = idle.popLast() {
            if slot.connection.isUsable { return slot }
            slot.connection.park(slot)
        }
        return nil
    }

    // MARK: Slot events

    /// A response ended (or failed, or timed out): records it once.
    func settle(_ slot: LoadSlot, outcome: Int) {
        guard !slot.settled else { return }
        slot.settled = true
        guard slot.measured, phase == .running else { return }
        let now = MonotonicClock.nanoseconds()
        let success = Outcome.isSuccess(outcome, plan.protocolKind)
        recorder.record(
            outcome: outcome, isSuccess: success, offset: now > measureStart ? now - measureStart : 0,
            latencyNanoseconds: now - min(now, slot.intendedAt),
            serviceNanoseconds: schedule == nil ? nil : now - min(now, slot.sentAt),
            firstMessageNanoseconds: slot.firstMessageAt == 0 ? nil : slot.firstMessageAt - min(slot.firstMessageAt, slot.sentAt),
            messages: slot.messages.messages, bytesSent: plan.request.body.count, bytesReceived: slot.bytesReceived)
    }

    /// A slot's stream closed: it can carry the next request.
    func slotIdle(_ slot: LoadSlot) {
        guard phase == .running else { return }
        if !slot.settled { settle(slot, outcome: Outcome.connectionLost) }
        inFlight -= 1
        if schedule == nil {
            issueClosed(slot)
        } else {
            idle.append(slot)
            pumpArrivals()
        }
        finishIfDone()
    }

    /// A connection is back: its parked slots rejoin the load.
    func slotsReturned(_ slots: [LoadSlot]) {
        guard phase == .running else { return }
        if schedule == nil {
            for slot in slots { issueClosed(slot) }
        } else {
            idle.append(contentsOf: slots)
            pumpArrivals()
        }
        finishIfDone()
    }

    /// A connection could not be reopened: when none is left, this loop's share ends early.
    func connectionGaveUp(_ connection: LoadConnection, parked: Int) {
        guard phase == .running else { return }
        if !connections.contains(where: { $0.isUsable }) { issuing = false }
        finishIfDone()
    }

    // MARK: Housekeeping

    /// Every sweep interval: publish progress, end the issuing phase at the deadline, and
    /// cancel requests past their timeout.
    private func sweep() {
        guard phase == .running else { return }
        let now = MonotonicClock.nanoseconds()
        if recorder.requests != published.completed || recorder.errors != published.errors {
            published = (recorder.requests, recorder.errors)
            progress.publish(loop: index, completed: recorder.requests, errors: recorder.errors)
        }
        // Closed loop: the deadline ends issuing. Open loop: the schedule does (arrivals due
        // before the end but still waiting for a stream must still go out, each counted).
        if schedule == nil, issuing, now >= measureEnd { issuing = false }
        if schedule != nil, issuing { pumpArrivals() }
        for connection in connections {
            for slot in connection.slots where !slot.settled && now - min(now, slot.sentAt) > plan.requestTimeoutNanoseconds {
                settle(slot, outcome: Outcome.timedOut)
                slot.cancel()
            }
        }
        finishIfDone()
    }

    private func finishIfDone() {
        guard phase == .running, !issuing, inFlight == 0 else { return }
        progress.publish(loop: index, completed: recorder.requests, errors: recorder.errors)
        let finished = onFinished
        onFinished = nil
        phase = .finished
        // Out of the nghttp2 callback that got here before the connections close.
        loop.executeSoon { [self] in
            shutdown()
            finished?(recorder)
        }
    }

    /// Closes timers and connections; no callback reaches this worker afterwards.
    func shutdown() {
        loop.assertInEventLoop()
        phase = .finished
        onFinished = nil
        sweepTimer?.close()
        sweepTimer = nil
        timer?.close()
        timer = nil
        for connection in connections { connection.close() }
    }
}
