/// A method as stored and reported by the admin API (SPEC §1 method record): names without
/// leading dots, streaming flags and the declaring proto file.
public struct MethodRecord: Sendable, Equatable {
    /// `<package>.<Service>/<Method>`.
    public var fullName: String
    /// `<package>.<Service>`.
    public var serviceFullName: String
    /// The method's simple name (`Add`).
    public var name: String
    /// Request message full name, without a leading dot.
    public var inputFullName: String
    /// Response message full name, without a leading dot.
    public var outputFullName: String
    /// The client sends a stream of requests.
    public var clientStreaming: Bool
    /// The server answers with a stream of responses.
    public var serverStreaming: Bool
    /// The proto file that declares the service.
    public var protoFile: String

    /// A record from its parts.
    public init(
        fullName: String, serviceFullName: String, name: String, inputFullName: String, outputFullName: String,
        clientStreaming: Bool, serverStreaming: Bool, protoFile: String
    ) {
        self.fullName = fullName
        self.serviceFullName = serviceFullName
        self.name = name
        self.inputFullName = inputFullName
        self.outputFullName = outputFullName
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.protoFile = protoFile
    }

    /// The record of a method of a decoded descriptor set.
    public init(_ method: MethodDescriptor) {
        self.init(
            fullName: method.fullName, serviceFullName: method.serviceFullName, name: method.name,
            inputFullName: method.inputType, outputFullName: method.outputType,
            clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming, protoFile: method.file)
    }

    /// Neither side streams.
    public var unary: Bool { !clientStreaming && !serverStreaming }

    /// The record with SPEC §1's snake_case keys, in this order: `full_name`,
    /// `service_full_name`, `name`, `input_full_name`, `output_full_name`, `client_streaming`,
    /// `server_streaming`, `unary`, `proto_file`.
    public var json: JSONValue {
        .object([
            "full_name": .string(fullName),
            "service_full_name": .string(serviceFullName),
            "name": .string(name),
            "input_full_name": .string(inputFullName),
            "output_full_name": .string(outputFullName),
            "client_streaming": .bool(clientStreaming),
            "server_streaming": .bool(serverStreaming),
            "unary": .bool(unary),
            "proto_file": .string(protoFile),
        ])
    }

    /// Reads a record written by ``json``: every key but `unary` (derived from the streaming
    /// flags) is required with its type; unknown keys are ignored. Nil if anything is missing.
    public init?(json: JSONValue) {
        guard let fullName = json["full_name"]?.stringValue,
            let serviceFullName = json["service_full_name"]?.stringValue,
            let name = json["name"]?.stringValue,
            let inputFullName = json["input_full_name"]?.stringValue,
            let outputFullName = json["output_full_name"]?.stringValue,
            let clientStreaming = json["client_streaming"]?.boolValue,
            let serverStreaming = json["server_streaming"]?.boolValue,
            let protoFile = json["proto_file"]?.stringValue
        else { return nil }
        if let unary = json["unary"], unary.boolValue == nil { return nil }
        self.init(
            fullName: fullName, serviceFullName: serviceFullName, name: name, inputFullName: inputFullName,
            outputFullName: outputFullName, clientStreaming: clientStreaming, serverStreaming: serverStreaming,
            protoFile: protoFile)
    }
}
