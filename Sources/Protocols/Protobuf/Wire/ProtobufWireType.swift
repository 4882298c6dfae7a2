/// The three-bit wire type in the low bits of every protobuf tag.
public enum ProtobufWireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    /// The wire type's name (`length-delimited`).
    public var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "64-bit"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "32-bit"
        }
    }
}

/// A decoded field tag: field number and wire type.
public struct ProtobufTag: Sendable, Equatable {
    /// The largest field number protobuf allows (2^29 - 1).
    public static let maximumFieldNumber = 536_870_911

    /// 1 to ``maximumFieldNumber``.
    public let fieldNumber: Int
    /// How the value that follows is encoded.
    public let wireType: ProtobufWireType

    /// A tag from its parts.
    public init(fieldNumber: Int, wireType: ProtobufWireType) {
        self.fieldNumber = fieldNumber
        self.wireType = wireType
    }
}
