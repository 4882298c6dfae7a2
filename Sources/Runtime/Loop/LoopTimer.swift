import CLibUV

/// A libuv timer owned by one loop. Create, start, stop and close it on the loop thread.
///
/// The timer keeps itself alive while its handle is open; ``close()`` releases it.
public final class LoopTimer {
    private let loop: EventLoop
    private let handle: UnsafeMutablePointer<uv_timer_t>
    private var callback: (() -> Void)?
    private var closed = false

    public init(loop: EventLoop) {
        loop.assertInEventLoop()
        self.loop = loop
        handle = .allocate(capacity: 1)
        uv_timer_init(loop.uvLoop, handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Fires `callback` once after `milliseconds` (or every `repeatMilliseconds` if non-zero).
    /// Restarting replaces the previous schedule.
    public func start(afterMilliseconds milliseconds: UInt64, repeatMilliseconds: UInt64 = 0, _ callback: @escaping () -> Void) {
        loop.assertInEventLoop()
        precondition(!closed, "timer used after close()")
        self.callback = callback
        uv_timer_start(handle, { timer in
            guard let timer, let data = timer.pointee.data else { return }
            let me = Unmanaged<LoopTimer>.fromOpaque(data).takeUnretainedValue()
            me.callback?()
        }, milliseconds, repeatMilliseconds)
    }

    /// Whether the timer is scheduled.
    public var isActive: Bool { !closed && uv_is_active(octo_handle(handle)) != 0 }

    public func stop() {
        loop.assertInEventLoop()
        guard !closed else { return }
        uv_timer_stop(handle)
    }

    /// Drops the callback (and what it captured) of a stopped timer kept for reuse.
    func clearCallback() {
        callback = nil
    }

    /// Stops and frees the timer. Idempotent.
    public func close() {
        loop.assertInEventLoop()
        guard !closed else { return }
        closed = true
        callback = nil
        uv_close(octo_handle(handle)) { raw in
            guard let raw, let data = raw.pointee.data else { return }
            Unmanaged<LoopTimer>.fromOpaque(data).release()
            raw.withMemoryRebound(to: uv_timer_t.self, capacity: 1) { $0.deallocate() }
        }
    }

}

extension EventLoop {
    /// Runs `body` on this loop after `milliseconds`. Fire-and-forget; safe from any thread.
    public func schedule(afterMilliseconds milliseconds: UInt64, _ body: @escaping @Sendable () -> Void) {
        executeOrRun { [self] in
            let timer = LoopTimer(loop: self)
            timer.start(afterMilliseconds: milliseconds) {
                timer.close()
                body()
            }
        }
    }

    /// Suspends the calling task for `milliseconds`, using this loop's timer.
    public func sleep(milliseconds: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            schedule(afterMilliseconds: milliseconds) { continuation.resume() }
        }
    }
}
