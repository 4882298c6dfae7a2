/// Why a message could not be converted: malformed binary, JSON that does not fit the message,
/// or a valid message that has no ProtoJSON form.
///
/// `path` locates the value (`items[2].labels["env"]`, empty for the message itself), so
/// Connect and MCP can answer `invalid_argument` with `left: expected number, got string`.
/// Equality compares code, path and message.
public struct ProtobufCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem, stable for callers to switch on.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case malformedBinary
            case invalidJSON
            case unknownField
            case unknownType
            case missingRequiredField
            case notRepresentable
            case nestingTooDeep
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The bytes are not a valid encoding of the message (truncated, bad lengths or tags,
        /// a field with the wrong wire type).
        public static let malformedBinary = Code(.malformedBinary)
        /// A JSON value has the wrong type or range for its field, or the JSON breaks a rule
        /// (two members of one oneof, a field given twice).
        public static let invalidJSON = Code(.invalidJSON)
        /// A JSON key names no field of the message.
        public static let unknownField = Code(.unknownField)
        /// A type the conversion needs is not in the descriptor set (an `Any`'s type URL, an
        /// unresolved field type).
        public static let unknownType = Code(.unknownType)
        /// A proto2 `required` field is absent.
        public static let missingRequiredField = Code(.missingRequiredField)
        /// Valid binary without a ProtoJSON form (a Timestamp out of range, a Value holding NaN
        /// or nothing, a FieldMask path that is not reversible in camel case).
        public static let notRepresentable = Code(.notRepresentable)
        /// Messages nest deeper than ``ProtobufLimits/defaultMaximumDepth``.
        public static let nestingTooDeep = Code(.nestingTooDeep)

        /// A short lowercase name of the code (`invalid JSON`).
        public var description: String {
            switch value {
            case .malformedBinary: "malformed binary"
            case .invalidJSON: "invalid JSON"
            case .unknownField: "unknown field"
            case .unknownType: "unknown type"
            case .missingRequiredField: "missing required field"
            case .notRepresentable: "not representable"
            case .nestingTooDeep: "nesting too deep"
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// Where the problem is, in ProtoJSON keys (`scalars.fInt32`, `items[2]`, `labels["env"]`);
    /// empty for the top-level message.
    public let path: String
    /// What is wrong, without the path (`expected number, got string`).
    public let message: String

    /// An error at `path` (empty for the top-level message).
    public init(_ code: Code, _ message: String, path: String = "") {
        self.code = code
        self.message = message
        self.path = path
    }

    /// `<path>: <message>`, or just the message at the top level.
    public var description: String { path.isEmpty ? message : path + ": " + message }
}
