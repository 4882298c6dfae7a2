/// Why an import failed; the message is shown to the user as is (NDJSON `error` event or
/// a 400 admin error). Every failure leaves the previously committed version untouched.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
