/// Why a capset's OpenAPI document could not be built (answered with HTTP 500, SPEC §8.6).
public struct OpenAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case incompatibleComponent
            case unknownMessageType
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Two descriptor sets define the same component name differently (two versions of
        /// one message, bound through different services).
        public static let incompatibleComponent = Code(.incompatibleComponent)
        /// A method's request or response type is not in its descriptor set.
        public static let unknownMessageType = Code(.unknownMessageType)

        /// A short name of the code.
        public var description: String {
            switch value {
            case .incompatibleComponent: "incompatible component"
            case .unknownMessageType: "unknown message type"
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong (`incompatible OpenAPI component schemas.pkg.Msg`).
    public let message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
