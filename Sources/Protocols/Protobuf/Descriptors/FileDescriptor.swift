/// One .proto file of a descriptor set (FileDescriptorProto), with its serialized bytes kept
/// byte-exact for reflection.
public final class FileDescriptor: Sendable {
    /// The path protoc used (`calculator.proto`, `google/protobuf/timestamp.proto`).
    public let name: String
    /// The proto package; empty if none.
    public let package: String
    /// Imported files, in import order.
    public let dependencies: [String]
    /// Indexes into ``dependencies`` of the `import public` ones.
    public let publicDependencies: [Int]
    /// Top-level messages, in declaration order.
    public let messages: [MessageDescriptor]
    /// Top-level enums, in declaration order.
    public let enums: [EnumDescriptor]
    /// Services declared in this file, in declaration order.
    public let services: [ServiceDescriptor]
    /// `proto2`, `proto3` or `editions` (protoc leaves it empty for proto2; we fill it in).
    public let syntax: String
    /// This file's serialized FileDescriptorProto, exactly as it appears in the set.
    public let rawBytes: [UInt8]

    init(
        name: String, package: String, dependencies: [String], publicDependencies: [Int],
        messages: [MessageDescriptor], enums: [EnumDescriptor], services: [ServiceDescriptor],
        syntax: String, rawBytes: [UInt8]
    ) {
        self.name = name
        self.package = package
        self.dependencies = dependencies
        self.publicDependencies = publicDependencies
        self.messages = messages
        self.enums = enums
        self.services = services
        self.syntax = syntax
        self.rawBytes = rawBytes
    }
}
