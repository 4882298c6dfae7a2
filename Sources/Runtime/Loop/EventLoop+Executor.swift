import CLibUV

/// Lets actors run on a libuv loop: an actor returns `loop.asUnownedSerialExecutor()`
/// from `unownedExecutor`, and its jobs run on the loop thread between I/O callbacks.
/// libuv callbacks re-enter such an actor synchronously with `assumeIsolated`,
/// which `isIsolatingCurrentContext()` makes legal on the loop thread.
extension EventLoop: SerialExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueueJob(UnownedJob(job))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(complexEquality: self)
    }

    public func isSameExclusiveExecutionContext(other: EventLoop) -> Bool {
        other === self
    }

    public func checkIsolated() {
        precondition(inEventLoop, "expected to run on event loop \(name)")
    }

    public func isIsolatingCurrentContext() -> Bool? {
        inEventLoop
    }
}
