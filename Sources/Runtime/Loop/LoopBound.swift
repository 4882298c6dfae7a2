/// Carries a non-Sendable, loop-confined value across isolation boundaries.
///
/// The value may only be read on its loop's thread; the check traps otherwise.
/// This is how a connection or stream object travels inside a `@Sendable` closure
/// that will run on the same loop (`loop.execute { box.value... }`).
public struct LoopBound<Value>: @unchecked Sendable {
    // Safe because every access checks that we run on `loop`'s thread.
    private let _value: Value
    public let loop: EventLoop

    public init(_ value: Value, loop: EventLoop) {
        loop.assertInEventLoop()
        _value = value
        self.loop = loop
    }

    public var value: Value {
        loop.checkIsolated()
        return _value
    }
}
