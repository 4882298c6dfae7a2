/// One RPC of a service (MethodDescriptorProto).
public final class MethodDescriptor: Sendable {
    /// `MethodOptions.idempotency_level`: what a call may change, as the .proto file declares it
    /// (`option idempotency_level = NO_SIDE_EFFECTS;`). Numbers this enum does not list read as
    /// ``unknown``.
    public enum IdempotencyLevel: Int32, Sendable, CaseIterable {
        /// `IDEMPOTENCY_UNKNOWN` (0), also when the option is absent.
        case unknown = 0
        /// `NO_SIDE_EFFECTS` (1): the call only reads (MCP `readOnlyHint`, Connect GET).
        case noSideEffects = 1
        /// `IDEMPOTENT` (2): repeating the call has the effect of calling once.
        case idempotent = 2

        /// The level for a wire value; unlisted values are ``unknown``.
        public init(rawValue: Int32) {
            switch rawValue {
            case 1: self = .noSideEffects
            case 2: self = .idempotent
            default: self = .unknown
            }
        }
    }

    /// The field number of `idempotency_level` in google.protobuf.MethodOptions.
    public static let idempotencyLevelOptionNumber = 34

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
    /// `option idempotency_level`; ``IdempotencyLevel/unknown`` when not declared.
    public let idempotencyLevel: IdempotencyLevel

    init(
        name: String, serviceFullName: String, inputType: String, outputType: String, clientStreaming: Bool,
        serverStreaming: Bool, idempotencyLevel: IdempotencyLevel = .unknown, file: String, comments: ProtoComments
    ) {
        self.name = name
        self.fullName = serviceFullName + "/" + name
        self.serviceFullName = serviceFullName
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.idempotencyLevel = idempotencyLevel
        self.file = file
        self.comments = comments
    }

    /// Neither side streams.
    public var isUnary: Bool { !clientStreaming && !serverStreaming }

    /// The HTTP/2 `:path` of the method: `/<service>/<method>`.
    public var path: String { "/" + fullName }
}
