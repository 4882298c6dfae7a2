/// Why an HTTP/1.1 request was rejected, with the status to answer before closing.
public struct HTTP1ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The HTTP status to send (400, 413, 414, 431, 501, 505).
    public let status: Int
    public let message: String

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status): \(message)" }
}
