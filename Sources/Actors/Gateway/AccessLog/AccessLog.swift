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
        /// Entries not yet formatted: formatting (JSON escaping, the RFC 3339 timestamp) is
        /// done on the writer thread, so a request pays only for an append under the lock.
        var pending: [AccessLogEntry] = []
        var dropped = 0
        var closing = false
    }

    /// What only the writer thread touches: the arrays keep their capacity from one drain
    /// to the next, so a busy gateway does not fault in fresh pages for every batch.
    private final class WriterState: @unchecked Sendable {
        /// Swapped with ``Buffer/pending`` at each drain (both keep their capacity).
        var spare: [AccessLogEntry] = []
        var output: [UInt8] = []
    }

    let path: String
    private let buffer = Mutex(Buffer())
    private let writerState = WriterState()
    /// Formatted bytes written out at a time (the output buffer stays in cache).
    static let writeChunkBytes = 64 * 1024
    private let writer: EventLoop
    private let logger: Logger
    /// The open file; used only on the writer thread after init. -1 when it could not open.
    private let fd: Int32

    /// Entries waiting for the writer beyond which lines are dropped (a stalled disk):
    /// about 16 MiB of lines.
    static let maximumPendingEntries = 64 * 1024
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

    /// Queues one entry (any thread; never blocks on I/O, never formats).
    func record(_ entry: AccessLogEntry) {
        let wake = buffer.withLock { buffer -> Bool in
            guard !buffer.closing, buffer.pending.count < Self.maximumPendingEntries else {
                buffer.dropped += 1
                return false
            }
            buffer.pending.append(entry)
            return buffer.pending.count == 4096
        }
        if wake { writer.execute { [self] in drain() } }
    }

    /// Writes what is queued (writer thread).
    private func drain() {
        let state = writerState
        var entries = state.spare
        let dropped = buffer.withLock { buffer -> Int in
            swap(&buffer.pending, &entries)
            defer { buffer.dropped = 0 }
            return buffer.dropped
        }
        if dropped > 0 { logger.warning("access_log_lines_dropped", ["count": String(dropped), "reason": "writes fell behind"]) }
        var failed = false
        for entry in entries {
            entry.append(to: &state.output)
            if state.output.count >= Self.writeChunkBytes, !failed { failed = !writeOutput() }
        }
        if !state.output.isEmpty, !failed { _ = writeOutput() }
        state.output.removeAll(keepingCapacity: true)
        // A burst's worth of capacity is not kept for good (up to 64k entries after a stall).
        entries.removeAll(keepingCapacity: entries.capacity <= 8192)
        state.spare = entries
    }

    /// Writes ``WriterState/output`` to the file and empties it; false after a write error
    /// (logged once per drain; the batch's remaining lines are dropped, never queued).
    private func writeOutput() -> Bool {
        let state = writerState
        defer { state.output.removeAll(keepingCapacity: true) }
        guard fd >= 0 else { return false }
        var offset = 0
        while offset < state.output.count {
            let n = state.output.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                logger.error("access_log_write_failed", ["error": String(cString: strerror(errno))])
                return false
            }
            offset += n
        }
        return true
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
