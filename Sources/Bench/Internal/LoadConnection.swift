import Runtime

/// One HTTP/2 connection of a loop and the slots (concurrent streams) it carries. A lost
/// connection is opened again after ``BenchLimits/reconnectDelayMilliseconds``; its slots
/// wait (parked) meanwhile.
///
/// Loop-confined.
final class LoadConnection {
    unowned(unsafe) let worker: LoadWorker
    private(set) var client: HTTP2ClientConnection?
    private(set) var slots: [LoadSlot] = []
    /// Slots that found the connection down; they return when it is back.
    private var parked: [LoadSlot] = []
    private var failedReconnects = 0
    private var closing = false

    init(worker: LoadWorker, streams: Int) {
        self.worker = worker
        parked.reserveCapacity(streams)
        slots = (0..<streams).map { _ in
            LoadSlot(connection: self, protocolKind: worker.plan.protocolKind, countsMessages: worker.plan.countsMessages)
        }
    }

    var isUsable: Bool { client?.isUsable ?? false }

    /// Opens the connection and runs the plan's handshake requests on it.
    func open(_ completion: @escaping (BenchError?) -> Void) {
        let plan = worker.plan
        HTTP2ClientConnection.connect(loop: worker.loop, host: plan.host, port: plan.port, logger: Logger(minimumLevel: .error)) {
            [self] result in
            switch result {
            case .failure(let error):
                completion(BenchError(.unreachable, "cannot connect to \(plan.host):\(plan.port): \(error)"))
            case .success(let client):
                guard !closing else {
                    client.close()
                    completion(BenchError(.unreachable, "run stopped while connecting"))
                    return
                }
                self.client = client
                client.onClose = { [unowned(unsafe) self, unowned(unsafe) client] in lost(client) }
                handshake(0, on: client, completion)
            }
        }
    }

    private func handshake(_ index: Int, on client: HTTP2ClientConnection, _ completion: @escaping (BenchError?) -> Void) {
        let steps = worker.plan.handshake
        guard index < steps.count else {
            completion(nil)
            return
        }
        let step = steps[index]
        let request = step.request
        let stream = HTTP2ClientStream()
        var status = 0
        var body: [UInt8] = []
        var scanner = MCPResultScanner()
        let fail = { (detail: String) in
            completion(BenchError(.handshakeFailed, "\(step.name) (\(request.method) \(request.path)) was refused: \(detail)"))
        }
        stream.onResponseHead = { status = $0.status }
        stream.onHeaderField = { _, _ in }
        stream.onDataBytes = { bytes in
            scanner.feed(bytes)
            if body.count < 512 { body.append(contentsOf: bytes.prefix(512 - body.count)) }
        }
        stream.onEnd = { [self] _ in
            if status < 200 || status >= 300 || scanner.sawJSONRPCError {
                fail("HTTP \(status) \(String(decoding: body, as: UTF8.self).trimmingASCIIWhitespace())")
            } else {
                handshake(index + 1, on: client, completion)
            }
        }
        stream.onFailure = { _, reason in fail(reason) }
        stream.onIdle = { [stream] in
            stream.onResponseHead = nil
            stream.onHeaderField = nil
            stream.onDataBytes = nil
            stream.onEnd = nil
            stream.onFailure = nil
            stream.onIdle = nil
        }
        if !client.startStream(stream, prepared: request) { fail("the connection closed") }
    }

    /// Parks a slot that found the connection down.
    func park(_ slot: LoadSlot) {
        parked.append(slot)
        if client == nil || client?.isUsable == false { scheduleReconnect() }
    }

    private var reconnectPending = false

    private func lost(_ closed: HTTP2ClientConnection) {
        // A connection replaced after a GOAWAY may close later: only the current one counts.
        guard client === closed else { return }
        client = nil
        guard !closing else { return }
        scheduleReconnect()
    }

    private func scheduleReconnect() {
        guard !closing, !reconnectPending, client?.isUsable != true else { return }
        reconnectPending = true
        let timer = LoopTimer(loop: worker.loop)
        timer.start(afterMilliseconds: BenchLimits.reconnectDelayMilliseconds) { [self] in
            timer.close()
            reconnectPending = false
            guard !closing else { return }
            open { [self] error in
                if error == nil {
                    failedReconnects = 0
                    let ready = parked
                    parked.removeAll(keepingCapacity: true)
                    worker.slotsReturned(ready)
                } else {
                    failedReconnects += 1
                    if failedReconnects >= BenchLimits.maximumReconnectAttempts {
                        worker.connectionGaveUp(self, parked: parked.count)
                    } else {
                        scheduleReconnect()
                    }
                }
            }
        }
    }

    /// Stops everything: no more callbacks reach the worker, the socket closes.
    func close() {
        closing = true
        for slot in slots { slot.clearCallbacks() }
        client?.onClose = nil
        client?.close()
        client = nil
    }
}
