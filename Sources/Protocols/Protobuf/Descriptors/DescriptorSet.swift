/// Every file, type, service and method of a serialized FileDescriptorSet (what
/// `protoc --include_imports --include_source_info --descriptor_set_out` writes), resolved
/// and indexed once, then immutable.
///
/// Type references between messages are indexes into the set's tables, so the descriptors
/// hold no reference cycles and the codecs resolve a field's type without hashing its name.
public final class DescriptorSet: Sendable {
    /// Files in set order (protoc writes dependencies first).
    public let files: [FileDescriptor]
    /// Every method of every service of every file (imports included), in file order.
    public let methods: [MethodDescriptor]
    /// Every message (nested and map entries included), in file order, each before its nested types.
    let allMessages: [MessageDescriptor]
    /// Every enum, in file order.
    let allEnums: [EnumDescriptor]

    private let fileIndex: [String: Int]
    private let messageIndex: [String: Int]
    private let enumIndex: [String: Int]
    private let serviceIndex: [String: ServiceDescriptor]
    private let methodIndex: [String: MethodDescriptor]

    init(files: [FileDescriptor], messages: [MessageDescriptor], enums: [EnumDescriptor]) {
        self.files = files
        self.allMessages = messages
        self.allEnums = enums
        var fileIndex: [String: Int] = [:]
        for (i, file) in files.enumerated() where fileIndex[file.name] == nil { fileIndex[file.name] = i }
        var messageIndex: [String: Int] = [:]
        for (i, message) in messages.enumerated() where messageIndex[message.fullName] == nil {
            messageIndex[message.fullName] = i
        }
        var enumIndex: [String: Int] = [:]
        for (i, value) in enums.enumerated() where enumIndex[value.fullName] == nil { enumIndex[value.fullName] = i }
        var serviceIndex: [String: ServiceDescriptor] = [:]
        var methodIndex: [String: MethodDescriptor] = [:]
        var methods: [MethodDescriptor] = []
        for file in files {
            for service in file.services {
                if serviceIndex[service.fullName] == nil { serviceIndex[service.fullName] = service }
                for method in service.methods {
                    methods.append(method)
                    if methodIndex[method.fullName] == nil { methodIndex[method.fullName] = method }
                }
            }
        }
        self.fileIndex = fileIndex
        self.messageIndex = messageIndex
        self.enumIndex = enumIndex
        self.serviceIndex = serviceIndex
        self.methodIndex = methodIndex
        self.methods = methods
    }

    /// Decodes a serialized FileDescriptorSet. Type names that resolve nowhere are kept as
    /// written (the codecs report them when they meet such a field). A set beyond `limits`
    /// fails with ``ProtobufDecodeError/Code/limitExceeded``.
    public static func decode(
        _ bytes: [UInt8], limits: DescriptorLimits = .init()
    ) throws(ProtobufDecodeError) -> DescriptorSet {
        let raw = try DescriptorProtoParser.parseSet(bytes, limits: limits)
        return try DescriptorSetBuilder(bytes: bytes, files: raw, limits: limits).build()
    }

    /// A file by the name protoc gave it (`calculator.proto`).
    public func file(named name: String) -> FileDescriptor? {
        fileIndex[name].map { files[$0] }
    }

    /// A message by full name (a leading dot is ignored).
    public func message(fullName: String) -> MessageDescriptor? {
        messageIndex[Self.trimmingDot(fullName)].map { allMessages[$0] }
    }

    /// An enum by full name (a leading dot is ignored).
    public func enumType(fullName: String) -> EnumDescriptor? {
        enumIndex[Self.trimmingDot(fullName)].map { allEnums[$0] }
    }

    /// A service by full name (a leading dot is ignored).
    public func service(fullName: String) -> ServiceDescriptor? {
        serviceIndex[Self.trimmingDot(fullName)]
    }

    /// A method by `pkg.Svc/Method` or `/pkg.Svc/Method`.
    public func method(path: String) -> MethodDescriptor? {
        methodIndex[path.hasPrefix("/") ? String(path.dropFirst()) : path]
    }

    /// `name`'s file and everything it imports, transitively: dependencies first (depth-first,
    /// in import order), each once, then the file itself. Files missing from the set are
    /// skipped. Empty if `name` is not in the set. (Reflection replies, SPEC §8.3.)
    public func dependencyClosure(ofFile name: String) -> [FileDescriptor] {
        var visited: Set<String> = []
        var result: [FileDescriptor] = []
        func visit(_ name: String, depth: Int) {
            guard depth <= ProtobufLimits.defaultMaximumDepth, !visited.contains(name), let file = file(named: name)
            else { return }
            visited.insert(name)
            for dependency in file.dependencies { visit(dependency, depth: depth + 1) }
            result.append(file)
        }
        visit(name, depth: 0)
        return result
    }

    private static func trimmingDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}
