/// Why a `pattern` could not be compiled.
struct SchemaRegexError: Error, Sendable, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
