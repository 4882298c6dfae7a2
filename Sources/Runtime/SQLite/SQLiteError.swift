/// A failed SQLite call: the result code and SQLite's own message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// SQLITE_CONSTRAINT and its extended codes (unique, foreign key, …).
    public var isConstraintViolation: Bool { code & 0xFF == 19 }
    public var isBusy: Bool { code & 0xFF == 5 }

    public var description: String { "sqlite error \(code): \(message)" }
}
