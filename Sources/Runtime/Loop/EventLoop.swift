import CLibUV
import Glibc
import Synchronization

/// One libuv loop running on its own thread.
///
/// An `EventLoop` is the unit of confinement of the runtime: every libuv handle
/// (sockets, timers, child processes) belongs to exactly one loop and is touched
/// only from that loop's thread. Other threads reach the loop through
/// ``execute(_:)``, which queues work and wakes the loop with `uv_async_send`.
/// The loop is also a `SerialExecutor`, so an actor pins itself to a loop by
/// returning ``asUnownedSerialExecutor()`` from `unownedExecutor`; see
/// `EventLoop+Executor.swift`.
///
/// ```
///  other threads ──execute/enqueue──▶ inbox (Mutex) ──uv_async_send──┐
///                                                                    ▼
///  loop thread:  uv_run ─ timers ─ poll(I/O callbacks, inbox) ─ check(flush writes) ─┐
///                  ▲──────────────────────────────────────────────────────────────────┘
/// ```
public final class EventLoop: @unchecked Sendable {
    /// A unit of work queued from any thread.
    private enum Work {
        case job(UnownedJob)
        case closure(@Sendable () -> Void)
    }

    /// Work queued for the loop thread. Guarded by `inbox`.
    private struct Inbox {
        var work: [Work] = []
        /// True while a wake-up has been sent and not yet consumed; saves syscalls under load.
        var wakePending = false
        var stopRequested = false
    }

    /// A human-readable name, used in thread names and logs.
    public let name: String
    /// Position in its ``EventLoopGroup`` (0 for a loop outside a group): lets per-loop state of
    /// upper layers live in a plain array indexed by loop, found without hashing.
    public let index: Int

    /// The libuv loop. Only the loop thread touches it after `start()`.
    let uvLoop: UnsafeMutablePointer<uv_loop_t>
    /// Wakes the loop from other threads. Loop thread only (except `uv_async_send`, which is thread-safe).
    private let wakeup: UnsafeMutablePointer<uv_async_t>
    /// Runs after each poll phase to flush coalesced writes. Loop thread only.
    private let checkHandle: UnsafeMutablePointer<uv_check_t>
    /// Queued work; the only state shared between threads besides `threadID`.
    private let inbox = Mutex(Inbox())
    /// The loop thread's id once it runs (0 before), compared in `inEventLoop`.
    private let threadID = Atomic<UInt>(0)
    /// The thread handle, set once by `start()`, read once by `join()`. Guarded by `lifecycle`.
    private let lifecycle = Mutex<pthread_t?>(nil)

    /// Objects that asked to be flushed after the current batch of I/O. Loop thread only.
    private var flushQueue: [any LoopFlushable] = []
    /// Loop-confined work deferred by ``executeSoon(_:)``. Loop thread only.
    private var soonQueue: [() -> Void] = []
    /// Active while `soonQueue` is non-empty so the loop does not block in poll. Loop thread only.
    private let idleHandle: UnsafeMutablePointer<uv_idle_t>
    /// Active while `flushQueue` is non-empty: output scheduled outside the poll phase (from a
    /// timer or a deferred callback) must not wait for unrelated I/O before the check phase
    /// writes it. An active idle handle makes the next poll return at once. Loop thread only.
    private let flushIdleHandle: UnsafeMutablePointer<uv_idle_t>
    /// A read buffer shared by every stream of this loop: reads are processed synchronously,
    /// so one buffer per loop suffices and no read allocates. Loop thread only.
    let readBuffer: UnsafeMutableRawBufferPointer

    /// Size of the shared read buffer: large enough for a full TCP window burst.
    public static let readBufferSize = 64 * 1024

    public init(name: String, index: Int = 0) {
        self.name = name
        self.index = index
        uvLoop = .allocate(capacity: 1)
        precondition(uv_loop_init(uvLoop) == 0, "uv_loop_init failed")
        wakeup = .allocate(capacity: 1)
        checkHandle = .allocate(capacity: 1)
        idleHandle = .allocate(capacity: 1)
        flushIdleHandle = .allocate(capacity: 1)
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        let context = Unmanaged.passUnretained(self).toOpaque()
        uvLoop.pointee.data = context
        precondition(uv_async_init(uvLoop, wakeup, { async in
            guard let async, let data = async.pointee.data else { return }
            Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().drainInbox()
        }) == 0, "uv_async_init failed")
        wakeup.pointee.data = context
        precondition(uv_check_init(uvLoop, checkHandle) == 0, "uv_check_init failed")
        checkHandle.pointee.data = context
        uv_check_start(checkHandle) { check in
            guard let check, let data = check.pointee.data else { return }
            Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().runFlushQueue()
        }
        // The check handle must not keep the loop alive on its own.
        uv_unref(octo_handle(checkHandle))
        uv_idle_init(uvLoop, idleHandle)
        idleHandle.pointee.data = context
        uv_idle_init(uvLoop, flushIdleHandle)
        flushIdleHandle.pointee.data = context
    }

    deinit {
        uv_loop_close(uvLoop)
        uvLoop.deallocate()
        wakeup.deallocate()
        checkHandle.deallocate()
        idleHandle.deallocate()
        flushIdleHandle.deallocate()
        readBuffer.deallocate()
    }

    /// Whether the caller runs on this loop's thread.
    public var inEventLoop: Bool {
        let id = threadID.load(ordering: .acquiring)
        return id != 0 && pthread_equal(pthread_self(), id) != 0
    }

    /// Traps unless called on the loop thread; guards loop-confined state.
    @inline(__always)
    public func assertInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        assert(inEventLoop, "not on event loop \(name)", file: file, line: line)
    }

    /// Starts the loop thread. Call once.
    public func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.threadMain()
            return nil
        }, box)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        lifecycle.withLock { $0 = thread }
    }

    private func threadMain() {
        threadID.store(pthread_self(), ordering: .releasing)
        octo_set_thread_name(String(name.prefix(15)))
        while true {
            uv_run(uvLoop, UV_RUN_DEFAULT)
            // uv_run returns when nothing is referenced; keep running until stop was requested.
            if inbox.withLock({ $0.stopRequested }) { break }
        }
        // Close every remaining handle so libuv releases its resources, then let close callbacks run.
        uv_walk(uvLoop, { handle, _ in
            guard let handle, uv_is_closing(handle) == 0 else { return }
            uv_close(handle, nil)
        }, nil)
        uv_run(uvLoop, UV_RUN_DEFAULT)
    }

    /// Runs `work` on the loop thread (later, even if called from the loop thread).
    public func execute(_ work: @escaping @Sendable () -> Void) {
        submit(.closure(work))
    }

    /// Runs `work` now if on the loop thread, else queues it.
    public func executeOrRun(_ work: @escaping @Sendable () -> Void) {
        if inEventLoop { work() } else { submit(.closure(work)) }
    }

    func enqueueJob(_ job: UnownedJob) {
        submit(.job(job))
    }

    private func submit(_ work: Work) {
        let mustWake = inbox.withLock { inbox -> Bool in
            inbox.work.append(work)
            if inbox.wakePending { return false }
            inbox.wakePending = true
            return true
        }
        if mustWake { uv_async_send(wakeup) }
    }

    /// Asks the loop to finish: queued work still runs, then every handle is closed.
    public func requestStop() {
        let mustWake = inbox.withLock { inbox -> Bool in
            inbox.stopRequested = true
            inbox.wakePending = true
            return true
        }
        if mustWake { uv_async_send(wakeup) }
    }

    /// Waits for the loop thread to finish after ``requestStop()``. Must not be called on the loop.
    public func join() {
        precondition(!inEventLoop, "join() on the loop's own thread would deadlock")
        guard let thread = lifecycle.withLock({ t -> pthread_t? in defer { t = nil }; return t }) else { return }
        pthread_join(thread, nil)
    }

    private func drainInbox() {
        let (batch, stop) = inbox.withLock { inbox -> ([Work], Bool) in
            inbox.wakePending = false
            let batch = inbox.work
            inbox.work.removeAll(keepingCapacity: true)
            return (batch, inbox.stopRequested)
        }
        for work in batch {
            switch work {
            case .job(let job):
                job.runSynchronously(on: asUnownedSerialExecutor())
            case .closure(let closure):
                closure()
            }
        }
        if stop {
            uv_stop(uvLoop)
        }
    }

    /// Runs loop-confined `work` on this loop after the current callback returns (no locking,
    /// no Sendable requirement). Loop thread only.
    public func executeSoon(_ work: @escaping () -> Void) {
        assertInEventLoop()
        soonQueue.append(work)
        if soonQueue.count == 1 {
            uv_idle_start(idleHandle) { idle in
                guard let idle, let data = idle.pointee.data else { return }
                Unmanaged<EventLoop>.fromOpaque(data).takeUnretainedValue().runSoonQueue()
            }
        }
    }

    private func runSoonQueue() {
        let batch = soonQueue
        soonQueue.removeAll(keepingCapacity: true)
        uv_idle_stop(idleHandle)
        for work in batch { work() }
    }

    /// Asks for `object.flush()` after the current batch of I/O callbacks; coalesces writes.
    func scheduleFlush(_ object: any LoopFlushable) {
        assertInEventLoop()
        if flushQueue.isEmpty {
            uv_idle_start(flushIdleHandle) { _ in }
        }
        flushQueue.append(object)
    }

    private func runFlushQueue() {
        // Swap the queue out instead of copying it: a copy would make `removeAll` allocate
        // fresh storage on every pass (the copy keeps the old buffer alive).
        var batch: [any LoopFlushable] = []
        while !flushQueue.isEmpty {
            swap(&batch, &flushQueue)
            for object in batch { object.flushNow() }
            batch.removeAll(keepingCapacity: true)
        }
        swap(&batch, &flushQueue)
        uv_idle_stop(flushIdleHandle)
    }
}

/// Something that buffers output and writes it once per loop iteration.
protocol LoopFlushable: AnyObject {
    func flushNow()
}
