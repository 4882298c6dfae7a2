import Glibc
import Runtime
import Synchronization

/// Appends access-log lines to `<data>/access.log` without ever blocking an event loop on
/// the file: request paths append bytes to a buffer under a short lock; a writer thread of
/// its own writes them out every 100 ms (sooner when 64 KiB pile up), and ``close()``
/// writes what is left (nothing is lost on a clean shutdown). If the disk stalls, the
/// buffer is capped and further lines are counted as dropped, never queued without bound.
final class AccessLog: Sendable {
    private struct Buffer {
        var pending: [UInt8] = []
        var dropped = 0
        var closing = false
    }

    let path: String
    private let buffer = Mutex(Buffer())
    private let writer: EventLoop
    private let logger: Logger
    /// The open file; used only on the writer thread after init. -1 when it could not open.
    private let fd: Int32

    /// Bytes waiting for the writer beyond which lines are dropped (a stalled disk).
    static let maximumPendingBytes = 16 << 20
    static let flushIntervalMilliseconds: UInt64 = 100

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 {
            logger.error("access_log_unavailable", ["path": path, "error": String(cString: strerror(errno))])
        } else {
            fchmod(fd, 0o600)
        }
        writer = EventLoop(name: "octobus-accesslog")
        writer.start()
        let me = self
        writer.execute {
            let timer = LoopTimer(loop: me.writer)
            timer.start(afterMilliseconds: Self.flushIntervalMilliseconds, repeatMilliseconds: Self.flushIntervalMilliseconds) {
                me.drain()
            }
        }
    }

    /// Queues one entry (any thread; never blocks on I/O).
    func record(_ entry: AccessLogEntry) {
        let line = entry.line()
        let wake = buffer.withLock { buffer -> Bool in
            guard !buffer.closing, buffer.pending.count + line.count <= Self.maximumPendingBytes else {
                buffer.dropped += 1
                return false
            }
            buffer.pending.append(contentsOf: line)
            return buffer.pending.count >= 64 * 1024 && buffer.pending.count - line.count < 64 * 1024
        }
        if wake { writer.execute { [self] in drain() } }
    }

    /// Writes what is queued (writer thread).
    private func drain() {
        let (bytes, dropped) = buffer.withLock { buffer -> ([UInt8], Int) in
            defer {
                buffer.pending.removeAll(keepingCapacity: buffer.pending.capacity <= 1 << 20)
                buffer.dropped = 0
            }
            return (buffer.pending, buffer.dropped)
        }
        if dropped > 0 { logger.warning("access_log_lines_dropped", ["count": String(dropped), "reason": "writes fell behind"]) }
        guard fd >= 0, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("access_log_write_failed", ["error": String(cString: strerror(errno))])
                return
            }
            offset += n
        }
    }

    /// Writes everything queued and stops the writer thread.
    func close() {
        buffer.withLock { $0.closing = true }
        // Queued work runs before the loop stops: the final drain happens, then the join returns.
        writer.execute { [self] in
            drain()
            if fd >= 0 { Glibc.close(fd) }
        }
        writer.requestStop()
        writer.join()
    }
}
