/// One entry of a `tools/list` result built from a method descriptor: name, description,
/// schemas and annotations (SPEC §8.5).
public struct MCPTool: Sendable, Equatable {
    /// The tool name (stored `mcp_tool_name` or ``MCPToolName/defaultName(serviceID:instanceID:method:)``).
    public let name: String
    /// ``description(for:)`` of the method.
    public let description: String
    /// ``MCPToolSchema/inputSchema(for:in:maximumRecursiveExpansions:)`` of the request message.
    public let inputSchema: JSONValue
    /// ``MCPToolSchema/outputSchema(for:in:)`` of the response message (nil if it has none).
    public let outputSchema: JSONValue?
    /// ``MCPToolAnnotations/annotations(for:)`` of the method.
    public let annotations: JSONValue?

    /// The tool for `method`, whose request and response types must be in `set`.
    public init(name: String, method: MethodDescriptor, in set: DescriptorSet) throws(MCPToolError) {
        guard let input = set.message(fullName: method.inputType) else {
            throw MCPToolError(.unknownMessageType, "request type \(method.inputType) of \(method.fullName) is not in the descriptor set")
        }
        guard let output = set.message(fullName: method.outputType) else {
            throw MCPToolError(.unknownMessageType, "response type \(method.outputType) of \(method.fullName) is not in the descriptor set")
        }
        self.name = name
        self.description = Self.description(for: method)
        self.inputSchema = MCPToolSchema.inputSchema(for: input, in: set)
        self.outputSchema = MCPToolSchema.outputSchema(for: output, in: set)
        self.annotations = MCPToolAnnotations.annotations(for: method)
    }

    /// The method's comments, leading then trailing joined by a blank line; the full method
    /// name (`pkg.Svc/Method`) when it has none.
    public static func description(for method: MethodDescriptor) -> String {
        let text = method.comments.text
        return text.isEmpty ? method.fullName : text
    }

    /// `{"name","description","inputSchema","outputSchema"?,"annotations"?}`. Pass
    /// `includeOutputSchema: false` for protocol versions before 2025-06-18 (see
    /// ``MCPProtocolVersion/supportsStructuredContent(_:)``) and wherever tool failures are
    /// not marked `isError` (clients validate every other result against the schema).
    public func json(includeOutputSchema: Bool) -> JSONValue {
        var object: JSONObject = [
            "name": .string(name), "description": .string(description), "inputSchema": inputSchema,
        ]
        if includeOutputSchema, let outputSchema { object["outputSchema"] = outputSchema }
        if let annotations { object["annotations"] = annotations }
        return .object(object)
    }
}

/// Why an MCP tool could not be described.
public struct MCPToolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of problem.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: Sendable, Hashable {
            case unknownMessageType
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The method's request or response type is not in its descriptor set.
        public static let unknownMessageType = Code(.unknownMessageType)

        /// A short name of the code.
        public var description: String {
            switch value {
            case .unknownMessageType: "unknown message type"
            }
        }
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong.
    public let message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
