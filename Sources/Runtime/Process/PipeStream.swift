import CLibUV
import Glibc

/// A libuv pipe end used for a child's stdio or an extra input descriptor.
/// Loop-confined; keeps itself alive until closed.
final class PipeStream {
    let loop: EventLoop
    let handle: UnsafeMutablePointer<uv_pipe_t>
    private var onData: (([UInt8]) -> Void)?
    private var onEnd: (() -> Void)?
    private var pendingWrites = 0
    private var closeWhenDrained = false
    private var shutdownWhenDrained = false
    private var closed = false

    init(loop: EventLoop) {
        self.loop = loop
        handle = .allocate(capacity: 1)
        uv_pipe_init(loop.uvLoop, handle, 0)
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// Wraps an existing descriptor (e.g. the write end of `uv_pipe`).
    convenience init(loop: EventLoop, openingFD fd: Int32) {
        self.init(loop: loop)
        uv_pipe_open(handle, fd)
    }

    func startReading(onData: @escaping ([UInt8]) -> Void, onEnd: @escaping () -> Void) {
        self.onData = onData
        self.onEnd = onEnd
        uv_read_start(octo_stream(handle), { handle, _, buffer in
            let loop = Unmanaged<EventLoop>.fromOpaque(handle!.pointee.loop.pointee.data).takeUnretainedValue()
            buffer!.pointee.base = loop.readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            buffer!.pointee.len = loop.readBuffer.count
        }, { stream, count, buffer in
            guard let stream, let data = stream.pointee.data else { return }
            let me = Unmanaged<PipeStream>.fromOpaque(data).takeUnretainedValue()
            if count > 0, let base = buffer?.pointee.base {
                me.onData?(Array(UnsafeRawBufferPointer(start: base, count: count)))
            } else if count < 0 {
                uv_read_stop(stream)
                let end = me.onEnd
                me.onEnd = nil
                end?()
            }
        })
    }

    func write(_ bytes: [UInt8]) {
        guard !closed, !bytes.isEmpty else { return }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        storage.copyBytes(from: bytes)
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        request.pointee.data = UnsafeMutableRawPointer(storage.baseAddress!)
        var buf = uv_buf_t(base: storage.baseAddress!.assumingMemoryBound(to: CChar.self), len: bytes.count)
        pendingWrites += 1
        let rc = uv_write(request, octo_stream(handle), &buf, 1) { request, _ in
            guard let request else { return }
            request.pointee.data?.deallocate()
            let stream = request.pointee.handle!
            request.deallocate()
            guard let data = stream.pointee.data else { return }
            Unmanaged<PipeStream>.fromOpaque(data).takeUnretainedValue().writeFinished()
        }
        if rc < 0 {
            storage.deallocate()
            request.deallocate()
            pendingWrites -= 1
        }
    }

    private func writeFinished() {
        pendingWrites -= 1
        guard pendingWrites == 0 else { return }
        if closeWhenDrained {
            close()
        } else if shutdownWhenDrained {
            shutdownWhenDrained = false
            close()
        }
    }

    /// Closes the write side after queued writes (the child sees EOF).
    func shutdownAfterWrites() {
        if pendingWrites == 0 { close() } else { shutdownWhenDrained = true }
    }

    func closeAfterWrites() {
        if pendingWrites == 0 { close() } else { closeWhenDrained = true }
    }

    func close() {
        guard !closed else { return }
        closed = true
        let end = onEnd
        onEnd = nil
        onData = nil
        uv_close(octo_handle(handle)) { raw in
            guard let raw else { return }
            if let data = raw.pointee.data { Unmanaged<PipeStream>.fromOpaque(data).release() }
            raw.withMemoryRebound(to: uv_pipe_t.self, capacity: 1) { $0.deallocate() }
        }
        end?()
    }
}
