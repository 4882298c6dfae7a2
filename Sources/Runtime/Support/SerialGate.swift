/// A first-come-first-served async mutex for multi-step work inside one actor.
///
/// An actor is reentrant at every `await`: two calls of a method that reads the store,
/// writes a file and updates state can interleave between those steps. Such a method
/// passes the gate first (`await gate.enter()`, `defer { gate.leave() }`), so the steps of
/// one call finish before the next call's begin. Use it only from its owner's isolation.
public final class SerialGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Waits until the gate is free, then holds it.
    public func enter(isolation: isolated (any Actor)? = #isolation) async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Lets the next waiter in (in arrival order), or frees the gate.
    public func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
