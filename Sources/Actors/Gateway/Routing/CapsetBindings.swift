/// What a capset actor owns and publishes after every change: the capset, its instance and
/// method bindings and its tokens (hashes only).
public struct CapsetBindings: Sendable, Equatable {
    public var record: CapsetRecord
    public var instances: [CapsetInstanceRecord]
    public var methods: [CapsetMethodRecord]
    public var tokens: [TokenRecord]
}
