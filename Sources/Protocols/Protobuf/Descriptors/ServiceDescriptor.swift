/// A service (ServiceDescriptorProto) and its methods.
public final class ServiceDescriptor: Sendable {
    /// `<package>.<name>`, e.g. `calculator.v1.CalculatorService`.
    public let fullName: String
    /// The simple name (`CalculatorService`).
    public let name: String
    /// The proto file that declares it.
    public let file: String
    /// Methods in declaration order.
    public let methods: [MethodDescriptor]
    /// The service's comments in the .proto file.
    public let comments: ProtoComments

    init(fullName: String, name: String, file: String, methods: [MethodDescriptor], comments: ProtoComments) {
        self.fullName = fullName
        self.name = name
        self.file = file
        self.methods = methods
        self.comments = comments
    }

    /// The method with this simple name (`Add`).
    public func method(named name: String) -> MethodDescriptor? {
        methods.first { $0.name == name }
    }
}
