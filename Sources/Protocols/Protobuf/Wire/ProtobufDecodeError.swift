/// Why protobuf bytes could not be read: truncated or malformed wire data, or nesting past
/// the limit. Carries the byte offset of the problem.
///
/// Equality compares code, offset and message.
public struct ProtobufDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem, stable for callers to switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case truncated
            case malformedVarint
            case invalidTag
            case invalidLength
            case unexpectedEndGroup
            case nestingTooDeep
            case wrongWireType
            case invalidDescriptor
            case limitExceeded
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The input ends inside a value (a varint, a fixed-width value, a length-delimited value or a group).
        public static let truncated = Code(.truncated)
        /// A varint runs past 10 bytes.
        public static let malformedVarint = Code(.malformedVarint)
        /// A tag has field number 0, a number above 2^29-1, or wire type 6 or 7.
        public static let invalidTag = Code(.invalidTag)
        /// A length prefix points past the end of the enclosing message.
        public static let invalidLength = Code(.invalidLength)
        /// An end-group tag without its start-group, or for another field.
        public static let unexpectedEndGroup = Code(.unexpectedEndGroup)
        /// Messages or groups nest deeper than the limit.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// A known field arrives with a wire type its kind can never have.
        public static let wrongWireType = Code(.wrongWireType)
        /// The bytes are well-formed but are not a usable descriptor set (a field of the wrong wire type).
        public static let invalidDescriptor = Code(.invalidDescriptor)
        /// A descriptor set is larger or more complex than its ``DescriptorLimits`` allow.
        public static let limitExceeded = Code(.limitExceeded)

        /// A short lowercase name of the code (`invalid length`).
        public var description: String {
            switch value {
            case .truncated: "truncated"
            case .malformedVarint: "malformed varint"
            case .invalidTag: "invalid tag"
            case .invalidLength: "invalid length"
            case .unexpectedEndGroup: "unexpected end-group"
            case .nestingTooDeep: "nesting too deep"
            case .wrongWireType: "wrong wire type"
            case .invalidDescriptor: "invalid descriptor"
            case .limitExceeded: "limit exceeded"
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// Byte offset, in the buffer given to the reader, where the offending value starts.
    public let offset: Int
    /// What is wrong, without the offset (`length 300 exceeds the 12 remaining bytes`).
    public let message: String

    /// An error at byte `offset`.
    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// `<message> at offset <offset>`.
    public var description: String { "\(message) at offset \(offset)" }
}
