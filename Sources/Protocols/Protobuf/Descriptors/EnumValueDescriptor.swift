/// One value of an enum.
public struct EnumValueDescriptor: Sendable, Equatable {
    /// The value's name (`COLOR_RED`), the ProtoJSON form.
    public let name: String
    /// The wire value.
    public let number: Int32
    /// The value's comments in the .proto file.
    public let comments: ProtoComments

    /// A value from its parts.
    public init(name: String, number: Int32, comments: ProtoComments = .none) {
        self.name = name
        self.number = number
        self.comments = comments
    }
}
