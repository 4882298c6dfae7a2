import CLibUV
import Glibc

/// A one-shot timer that fires at an absolute ``MonotonicClock`` instant with microsecond
/// precision, on its loop. libuv timers count whole milliseconds from the loop's cached
/// time, so they fire up to a millisecond late; a load generator sending at a constant
/// rate would add that to every latency it measures. This one is a Linux `timerfd` (armed
/// with an absolute `CLOCK_MONOTONIC` deadline) watched by a `uv_poll_t`.
///
/// Loop-confined: create, arm and close it on the loop thread. It keeps itself alive while
/// its handle is open; ``close()`` releases it.
public final class DeadlineTimer {
    private let loop: EventLoop
    private let fd: Int32
    private let handle: UnsafeMutablePointer<uv_poll_t>
    private var callback: (() -> Void)?
    private var closed = false
    private var polling = false

    public init(loop: EventLoop) throws(UVError) {
        loop.assertInEventLoop()
        self.loop = loop
        let fd = octo_timerfd_create()
        guard fd >= 0 else { throw UVError(-fd) }
        self.fd = fd
        handle = .allocate(capacity: 1)
        let rc = uv_poll_init(loop.uvLoop, handle, fd)
        guard rc == 0 else {
            Glibc.close(fd)
            handle.deallocate()
            throw UVError(rc)
        }
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Calls `callback` once at `deadline` (``MonotonicClock/nanoseconds()``; a time already
    /// past fires on the next loop iteration). Re-arming replaces the previous deadline.
    public func arm(atNanoseconds deadline: UInt64, _ callback: @escaping () -> Void) {
        loop.assertInEventLoop()
        precondition(!closed, "timer used after close()")
        self.callback = callback
        // A zero deadline would disarm the timerfd: the earliest real instant is 1 ns.
        _ = octo_timerfd_arm(fd, max(deadline, 1))
        guard !polling else { return }
        polling = true
        uv_poll_start(handle, Int32(UV_READABLE.rawValue)) { poll, _, _ in
            guard let poll, let data = poll.pointee.data else { return }
            Unmanaged<DeadlineTimer>.fromOpaque(data).takeUnretainedValue().fired()
        }
    }

    /// Same as ``arm(atNanoseconds:_:)``, keeping the current callback (no closure is
    /// created: a timer re-armed per request allocates nothing).
    public func rearm(atNanoseconds deadline: UInt64) {
        loop.assertInEventLoop()
        precondition(callback != nil, "rearm() before arm()")
        arm(atNanoseconds: deadline, callback!)
    }

    private func fired() {
        guard octo_timerfd_drain(fd) > 0 else { return }
        callback?()
    }

    /// Disarms the timer (the callback is kept for ``rearm(atNanoseconds:)``).
    public func stop() {
        loop.assertInEventLoop()
        guard !closed else { return }
        _ = octo_timerfd_arm(fd, 0)
        if polling {
            uv_poll_stop(handle)
            polling = false
        }
    }

    /// Stops and frees the timer. Idempotent.
    public func close() {
        loop.assertInEventLoop()
        guard !closed else { return }
        stop()
        closed = true
        callback = nil
        uv_close(octo_handle(handle)) { raw in
            guard let raw, let data = raw.pointee.data else { return }
            let timer = Unmanaged<DeadlineTimer>.fromOpaque(data).takeRetainedValue()
            Glibc.close(timer.fd)
            raw.withMemoryRebound(to: uv_poll_t.self, capacity: 1) { $0.deallocate() }
        }
    }
}
