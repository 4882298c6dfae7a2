/// An enum type (EnumDescriptorProto) with lookups by value name and number.
public final class EnumDescriptor: Sendable {
    /// `<package>[.<outer messages>].<name>`.
    public let fullName: String
    /// The simple name (`Color`).
    public let name: String
    /// The proto file that declares it.
    public let file: String
    /// Values in declaration order (aliases included).
    public let values: [EnumValueDescriptor]
    /// Closed (proto2) enums treat unlisted numbers as unknown fields; open (proto3) ones keep them.
    public let isClosed: Bool
    /// The enum's comments in the .proto file.
    public let comments: ProtoComments

    private let indexByName: [String: Int]
    private let indexByNumber: [Int32: Int]

    init(
        fullName: String, name: String, file: String, values: [EnumValueDescriptor], isClosed: Bool,
        comments: ProtoComments
    ) {
        self.fullName = fullName
        self.name = name
        self.file = file
        self.values = values
        self.isClosed = isClosed
        self.comments = comments
        var byName: [String: Int] = [:]
        var byNumber: [Int32: Int] = [:]
        for (index, value) in values.enumerated() {
            if byName[value.name] == nil { byName[value.name] = index }
            if byNumber[value.number] == nil { byNumber[value.number] = index }  // first alias wins
        }
        indexByName = byName
        indexByNumber = byNumber
    }

    /// The value with this name (`COLOR_RED`).
    public func value(named name: String) -> EnumValueDescriptor? {
        indexByName[name].map { values[$0] }
    }

    /// The first declared value with this number (aliases share numbers).
    public func value(number: Int32) -> EnumValueDescriptor? {
        indexByNumber[number].map { values[$0] }
    }

    /// The number a field of this type has when unset: the first value's (0 in proto3).
    public var defaultNumber: Int32 { values.first?.number ?? 0 }
}
