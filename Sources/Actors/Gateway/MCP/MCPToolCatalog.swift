import Protocols
import Runtime
import Synchronization

/// The MCP tools of one capset (SPEC §8.5, plus server-streaming methods): built from the
/// routing snapshot the first time a client asks, then reused for that snapshot's life
/// (schema generation walks every message of every tool).
///
/// Tool names: a unary method's stored name (default `<service>__<instance>__<method>`); a
/// server-streaming method — upstream exposes none — gets the default name unless a unary
/// tool already uses it. Client- and bidi-streaming methods are not tools.
final class MCPToolCatalog: Sendable {
    struct Entry: Sendable {
        let tool: MCPTool
        let instance: InstanceRoute
        let method: MethodRoute
        /// A server-streaming method: its call collects the stream (``MCPStreamingTool``).
        var isStreaming: Bool { method.descriptor.serverStreaming }
        /// SPEC §8.5 order: service id, instance id, method.
        var sortKey: [String] { [instance.service.record.id, instance.endpoint.instanceID, method.descriptor.fullName] }

        /// The `tools/list` entry.
        func json(includeOutputSchema: Bool) -> JSONValue {
            isStreaming ? MCPStreamingTool.describe(tool, includeOutputSchema: includeOutputSchema) : tool.json(includeOutputSchema: includeOutputSchema)
        }
    }

    let entries: [Entry]
    let byName: [String: Entry]

    init(capset: CapsetRoute, logger: Logger? = nil) {
        var entries: [Entry] = []
        var taken = Set(capset.tools.keys)
        for instance in capset.orderedInstances {
            guard let set = instance.service.descriptors else { continue }
            for method in instance.orderedMethods where !method.descriptor.clientStreaming {
                var name = method.toolName
                if method.descriptor.serverStreaming {
                    name = MCPToolName.defaultName(serviceID: instance.service.record.id, instanceID: instance.endpoint.instanceID,
                                                   method: method.descriptor.name)
                    guard !taken.contains(name) else { continue }
                    taken.insert(name)
                } else if name.isEmpty || capset.tools[name] !== method {
                    continue
                }
                do throws(MCPToolError) {
                    let tool = try MCPTool(name: name, method: method.descriptor, in: set)
                    entries.append(Entry(tool: tool, instance: instance, method: method))
                } catch {
                    logger?.warning("mcp_tool_skipped", ["capset_id": capset.record.id, "method": method.descriptor.fullName,
                                                         "error": error.description])
                }
            }
        }
        self.entries = entries
        byName = Dictionary(entries.map { ($0.tool.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Builds a capset's tool catalog once per routing snapshot, on first use.
final class MCPToolCatalogCache: Sendable {
    /// The catalog, once built. Guarded by its mutex; built outside it (two racing first
    /// callers may both build; the first stored wins — a rare, harmless duplicate of work).
    private let catalog = Mutex<MCPToolCatalog?>(nil)

    init() {}

    func catalog(for capset: CapsetRoute) -> MCPToolCatalog {
        if let built = catalog.withLock({ $0 }) { return built }
        let built = MCPToolCatalog(capset: capset)
        return catalog.withLock { stored in
            if let stored { return stored }
            stored = built
            return built
        }
    }
}
