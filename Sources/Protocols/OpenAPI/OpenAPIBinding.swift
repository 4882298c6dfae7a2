/// The Connect methods one capset instance binding exposes, for ``OpenAPIDocument``: the
/// instance, its service, the bound methods and the descriptor set they come from.
public struct OpenAPIBinding: Sendable {
    /// The instance id (a path segment: `/capsets/<c>/connect/<instance>/…`).
    public let instanceID: String
    /// The service id (part of each `operationId`).
    public let serviceID: String
    /// The bound methods; streaming ones are left out of the document.
    public let methods: [MethodDescriptor]
    /// The descriptor set the methods and their message types come from.
    public let descriptorSet: DescriptorSet

    /// A binding from its parts.
    public init(instanceID: String, serviceID: String, methods: [MethodDescriptor], descriptorSet: DescriptorSet) {
        self.instanceID = instanceID
        self.serviceID = serviceID
        self.methods = methods
        self.descriptorSet = descriptorSet
    }
}
