/// A run that could not start or could not finish: the message is printed as is.
public struct BenchError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Stable kind of failure; equality compares only this.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidOption, unreachable, handshakeFailed, invalidRequest, notFound }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An option is out of range or contradicts another.
        public static let invalidOption = Code(.invalidOption)
        /// A connection to the target could not be opened.
        public static let unreachable = Code(.unreachable)
        /// The per-connection handshake (MCP `initialize`) was refused.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The request could not be built (bad JSON, wrong type).
        public static let invalidRequest = Code(.invalidRequest)
        /// The capset, instance, method or tool does not exist.
        public static let notFound = Code(.notFound)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func == (a: BenchError, b: BenchError) -> Bool { a.code == b.code }
}
