/// One field of a message, as declared (FieldDescriptorProto), with what the codecs need
/// precomputed: presence, packing, map key and value, `google.api.field_behavior`.
public final class FieldDescriptor: Sendable {
    /// FieldDescriptorProto.Label.
    public enum Label: Int, Sendable {
        case optional = 1
        case required = 2
        case repeated = 3
    }

    /// FieldDescriptorProto.Type: the 18 kinds, with their descriptor numbers.
    public enum FieldType: Int, Sendable, CaseIterable, CustomStringConvertible {
        case double = 1
        case float = 2
        case int64 = 3
        case uint64 = 4
        case int32 = 5
        case fixed64 = 6
        case fixed32 = 7
        case bool = 8
        case string = 9
        case group = 10
        case message = 11
        case bytes = 12
        case uint32 = 13
        case `enum` = 14
        case sfixed32 = 15
        case sfixed64 = 16
        case sint32 = 17
        case sint64 = 18

        /// The name used in .proto files (`sfixed64`, `message`).
        public var description: String {
            switch self {
            case .double: "double"
            case .float: "float"
            case .int64: "int64"
            case .uint64: "uint64"
            case .int32: "int32"
            case .fixed64: "fixed64"
            case .fixed32: "fixed32"
            case .bool: "bool"
            case .string: "string"
            case .group: "group"
            case .message: "message"
            case .bytes: "bytes"
            case .uint32: "uint32"
            case .enum: "enum"
            case .sfixed32: "sfixed32"
            case .sfixed64: "sfixed64"
            case .sint32: "sint32"
            case .sint64: "sint64"
            }
        }

        /// The wire type a single value of this kind is written with.
        public var wireType: ProtobufWireType {
            switch self {
            case .double, .fixed64, .sfixed64: .fixed64
            case .float, .fixed32, .sfixed32: .fixed32
            case .string, .bytes, .message: .lengthDelimited
            case .group: .startGroup
            case .int64, .uint64, .int32, .bool, .uint32, .enum, .sint32, .sint64: .varint
            }
        }

        /// Whether repeated values of this kind may be packed (numbers, bools and enums).
        public var isPackable: Bool {
            switch self {
            case .string, .bytes, .message, .group: false
            default: true
            }
        }

        /// Whether ProtoJSON writes this kind as a string (the 64-bit integers).
        public var is64BitInteger: Bool {
            switch self {
            case .int64, .uint64, .sint64, .fixed64, .sfixed64: true
            default: false
            }
        }
    }

    /// `google.api.FieldBehavior.REQUIRED`.
    public static let fieldBehaviorRequired: Int32 = 2
    /// The field number of the `google.api.field_behavior` extension of FieldOptions.
    public static let fieldBehaviorExtensionNumber = 1052

    /// The proto name (`service_id`).
    public let name: String
    /// `<message full name>.<name>`.
    public let fullName: String
    /// The field number (1 to 2^29-1).
    public let number: Int
    /// optional, required (proto2) or repeated (lists and maps).
    public let label: Label
    /// The declared kind; `message` for maps.
    public let type: FieldType
    /// The message or enum type's full name without a leading dot; empty for scalars.
    public let typeName: String
    /// The ProtoJSON key: `json_name` as protoc recorded it (lowerCamelCase unless overridden).
    public let jsonName: String
    /// Index into the containing message's ``MessageDescriptor/oneofs`` (real or synthetic).
    public let oneofIndex: Int?
    /// Declared `optional` in a proto3 file (its oneof is synthetic).
    public let isProto3Optional: Bool
    /// Repeated values are written packed: the explicit `packed` option, else the proto3
    /// default for packable kinds.
    public let isPacked: Bool
    /// Whether "set" is distinguishable from "zero": false only for proto3 singular scalars and
    /// enums outside oneofs and without `optional` (and for repeated fields).
    public let hasPresence: Bool
    /// The proto2 `[default = …]` text as protoc recorded it.
    public let defaultValue: String?
    /// The `google.api.field_behavior` values, in option order (REQUIRED = 2, OUTPUT_ONLY = 3, …).
    public let fieldBehaviors: [Int32]
    /// The field's comments in the .proto file.
    public let comments: ProtoComments
    /// For map fields: the entry message's key (number 1) and value (number 2) fields.
    public let mapKey: FieldDescriptor?
    /// See ``mapKey``.
    public let mapValue: FieldDescriptor?

    /// Position in the containing message's ``MessageDescriptor/fields``.
    let declarationIndex: Int
    /// Index of the message (group/message types) or enum (enum types) in the set's tables; -1 if unresolved.
    let typeIndex: Int

    init(
        name: String, fullName: String, number: Int, label: Label, type: FieldType, typeName: String,
        jsonName: String, oneofIndex: Int?, isProto3Optional: Bool, isPacked: Bool, hasPresence: Bool,
        defaultValue: String?, fieldBehaviors: [Int32], comments: ProtoComments,
        mapKey: FieldDescriptor?, mapValue: FieldDescriptor?, declarationIndex: Int, typeIndex: Int
    ) {
        self.name = name
        self.fullName = fullName
        self.number = number
        self.label = label
        self.type = type
        self.typeName = typeName
        self.jsonName = jsonName
        self.oneofIndex = oneofIndex
        self.isProto3Optional = isProto3Optional
        self.isPacked = isPacked
        self.hasPresence = hasPresence
        self.defaultValue = defaultValue
        self.fieldBehaviors = fieldBehaviors
        self.comments = comments
        self.mapKey = mapKey
        self.mapValue = mapValue
        self.declarationIndex = declarationIndex
        self.typeIndex = typeIndex
    }

    /// `[(google.api.field_behavior) = REQUIRED]` is among the field's options.
    public var isRequiredByFieldBehavior: Bool { fieldBehaviors.contains(Self.fieldBehaviorRequired) }

    /// Lists and maps.
    public var isRepeated: Bool { label == .repeated }
    /// A `map<K, V>` field (repeated entries of a map-entry message).
    public var isMap: Bool { mapKey != nil }
    /// A repeated field that is not a map.
    public var isList: Bool { label == .repeated && mapKey == nil }
    /// Whether the field's type is a message (or group).
    public var isMessage: Bool { type == .message || type == .group }

    /// The field's message type (message, group and map fields), looked up in `set`.
    public func messageType(in set: DescriptorSet) -> MessageDescriptor? {
        guard type == .message || type == .group else { return nil }
        if typeIndex >= 0, typeIndex < set.allMessages.count, set.allMessages[typeIndex].fullName == typeName {
            return set.allMessages[typeIndex]
        }
        return set.message(fullName: typeName)
    }

    /// The field's enum type, looked up in `set`.
    public func enumType(in set: DescriptorSet) -> EnumDescriptor? {
        guard type == .enum else { return nil }
        if typeIndex >= 0, typeIndex < set.allEnums.count, set.allEnums[typeIndex].fullName == typeName {
            return set.allEnums[typeIndex]
        }
        return set.enumType(fullName: typeName)
    }
}
