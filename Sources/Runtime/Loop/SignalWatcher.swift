import CLibUV

/// Delivers a POSIX signal to a callback on a loop thread (libuv turns it into a loop event).
public final class SignalWatcher {
    private let loop: EventLoop
    private let handle: UnsafeMutablePointer<uv_signal_t>
    private var callback: ((Int32) -> Void)?
    private var closed = false

    public init(loop: EventLoop, signal: Int32, _ callback: @escaping (Int32) -> Void) {
        loop.assertInEventLoop()
        self.loop = loop
        self.callback = callback
        handle = .allocate(capacity: 1)
        uv_signal_init(loop.uvLoop, handle)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        uv_signal_start(handle, { handle, signum in
            guard let handle, let data = handle.pointee.data else { return }
            Unmanaged<SignalWatcher>.fromOpaque(data).takeUnretainedValue().callback?(signum)
        }, signal)
        // A signal watcher alone must not keep the loop running.
        uv_unref(octo_handle(handle))
    }

    public func close() {
        loop.assertInEventLoop()
        guard !closed else { return }
        closed = true
        callback = nil
        uv_close(octo_handle(handle)) { raw in
            guard let raw, let data = raw.pointee.data else { return }
            Unmanaged<SignalWatcher>.fromOpaque(data).release()
            raw.withMemoryRebound(to: uv_signal_t.self, capacity: 1) { $0.deallocate() }
        }
    }
}
