/// One RPC of a service (MethodDescriptorProto).
public final class MethodDescriptor: Sendable {
    /// `Add`.
    public let name: String
    /// `<package>.<Service>/<Method>` (SPEC §1 method full name), e.g. `calculator.v1.CalculatorService/Add`.
    public let fullName: String
    /// `calculator.v1.CalculatorService`.
    public let serviceFullName: String
    /// Request message full name, without a leading dot.
    public let inputType: String
    /// Response message full name, without a leading dot.
    public let outputType: String
    /// The client sends a stream of requests.
    public let clientStreaming: Bool
    /// The server answers with a stream of responses.
    public let serverStreaming: Bool
    /// The proto file that declares the service.
    public let file: String
    /// The method's comments (MCP tool descriptions).
    public let comments: ProtoComments

    init(
        name: String, serviceFullName: String, inputType: String, outputType: String, clientStreaming: Bool,
        serverStreaming: Bool, file: String, comments: ProtoComments
    ) {
        self.name = name
        self.fullName = serviceFullName + "/" + name
        self.serviceFullName = serviceFullName
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.file = file
        self.comments = comments
    }

    /// Neither side streams.
    public var isUnary: Bool { !clientStreaming && !serverStreaming }

    /// The HTTP/2 `:path` of the method: `/<service>/<method>`.
    public var path: String { "/" + fullName }
}
