import Protocols

/// Server-streaming methods as MCP tools (beyond upstream, which exposes none — and agents
/// most often lack exactly these): a call collects the stream into one result,
/// `{"messages":[…], "complete": true|false}`, up to ``maximumMessages`` messages and
/// ``maximumBytes`` bytes of JSON, for at most the unary deadline (30 s); past any of them the
/// stream is cancelled and the result holds what arrived, with `complete` false. A client that
/// sends a `progressToken` (and accepts `text/event-stream`) gets a `notifications/progress`
/// per message before the result.
enum MCPStreamingTool {
    /// Messages collected at most.
    static let maximumMessages = 1_000
    /// JSON bytes of collected messages at most. The result carries them twice — as
    /// `structuredContent` and, escaped, as text content — and must fit one server-sent event
    /// of 1 MiB, the official Python SDK's limit: 448 KiB × ~2.2 stays under it.
    static let maximumBytes = 448 << 10

    /// The tool entry: the description says how the stream is collected, and the output schema
    /// wraps the message schema.
    static func describe(_ tool: MCPTool, includeOutputSchema: Bool) -> JSONValue {
        var object: JSONObject = [
            "name": .string(tool.name),
            "description": .string(tool.description + "\n\nServer-streaming method: the result collects the streamed messages "
                + "(at most \(maximumMessages) messages or \(maximumBytes / 1024) KiB of JSON; `complete` is false when the "
                + "stream was cut short). Ask for progress to receive each message as it arrives."),
            "inputSchema": tool.inputSchema,
        ]
        if includeOutputSchema { object["outputSchema"] = outputSchema(wrapping: tool.outputSchema) }
        if let annotations = tool.annotations { object["annotations"] = annotations }
        return .object(object)
    }

    /// `{"type":"object","properties":{"messages":{"type":"array","items":M},"complete":{"type":"boolean"}}}`,
    /// with the message schema's `$defs` lifted to the top (its `$ref`s point at the root).
    static func outputSchema(wrapping message: JSONValue?) -> JSONValue {
        var items = message?.objectValue ?? ["type": "object"]
        let definitions = items["$defs"]
        items["$defs"] = nil
        items["$schema"] = nil
        var schema: JSONObject = [
            "type": "object",
            "properties": ["messages": ["type": "array", "items": .object(items)], "complete": ["type": "boolean"]],
            "required": ["messages", "complete"],
        ]
        if let definitions { schema["$defs"] = definitions }
        return .object(schema)
    }
}
