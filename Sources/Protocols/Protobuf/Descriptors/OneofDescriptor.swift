/// A `oneof` of a message: a real one, or the synthetic one protoc wraps around each proto3
/// `optional` field.
public final class OneofDescriptor: Sendable {
    /// The oneof's name (`choice`, or `_<field>` for synthetic ones).
    public let name: String
    /// `<message full name>.<name>`.
    public let fullName: String
    /// Member fields, in declaration order.
    public let fields: [FieldDescriptor]
    /// Whether this oneof only exists to give a proto3 `optional` field presence.
    public let isSynthetic: Bool
    /// The oneof's comments in the .proto file.
    public let comments: ProtoComments

    init(name: String, fullName: String, fields: [FieldDescriptor], isSynthetic: Bool, comments: ProtoComments) {
        self.name = name
        self.fullName = fullName
        self.fields = fields
        self.isSynthetic = isSynthetic
        self.comments = comments
    }
}
