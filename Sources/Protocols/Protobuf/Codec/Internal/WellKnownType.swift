/// The google.protobuf types whose ProtoJSON form is not an object of their fields.
enum WellKnownType: Sendable, Equatable {
    case any
    case timestamp
    case duration
    case fieldMask
    case `struct`
    case value
    case listValue
    /// A `google.protobuf.*Value` wrapper of a scalar of this kind.
    case wrapper(FieldDescriptor.FieldType)

    init?(fullName: String) {
        guard fullName.hasPrefix("google.protobuf.") else { return nil }
        switch fullName.dropFirst(16) {
        case "Any": self = .any
        case "Timestamp": self = .timestamp
        case "Duration": self = .duration
        case "FieldMask": self = .fieldMask
        case "Struct": self = .struct
        case "Value": self = .value
        case "ListValue": self = .listValue
        case "DoubleValue": self = .wrapper(.double)
        case "FloatValue": self = .wrapper(.float)
        case "Int64Value": self = .wrapper(.int64)
        case "UInt64Value": self = .wrapper(.uint64)
        case "Int32Value": self = .wrapper(.int32)
        case "UInt32Value": self = .wrapper(.uint32)
        case "BoolValue": self = .wrapper(.bool)
        case "StringValue": self = .wrapper(.string)
        case "BytesValue": self = .wrapper(.bytes)
        default: return nil
        }
    }

    static let nullValueFullName = "google.protobuf.NullValue"
    static let valueFullName = "google.protobuf.Value"
}
