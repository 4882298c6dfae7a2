import Protocols
import Runtime

/// The gateway's routing, compiled once per change and then immutable: capset → tokens →
/// bound instance → exposed method → backend. Every event loop holds the current table and
/// resolves each call from it without awaiting an actor or taking a lock; an admin change
/// publishes a new table, and calls in flight keep the one they started with.
public final class RoutingTable: Sendable {
    public let capsets: [String: CapsetRoute]
    /// Increases with every publication (diagnostics, tests).
    public let generation: UInt64

    init(capsets: [String: CapsetRoute], generation: UInt64) {
        self.capsets = capsets
        self.generation = generation
    }

    static let empty = RoutingTable(capsets: [:], generation: 0)
}

/// One capset as the data path sees it. Disabled capsets are kept (so a lookup can say why
/// it failed) but expose nothing.
public final class CapsetRoute: Sendable {
    public let record: CapsetRecord
    /// Empty: the capset is public (SPEC §8.8).
    public let tokens: TokenSet
    /// Enabled bindings whose instance exists, by instance id.
    public let instances: [String: InstanceRoute]
    /// The same, ordered by service id then instance id (MCP tools/list, catalog).
    public let orderedInstances: [InstanceRoute]
    /// Exposed unary methods by MCP tool name.
    public let tools: [String: MethodRoute]
    /// What reflection may show; nil when nothing is exposed ("capset not found").
    public let reflectionIndex: ReflectionIndex?
    /// The MCP tools, built on first use for this snapshot.
    let mcpTools = MCPToolCatalogCache()
    /// The OpenAPI document, built on first use for this snapshot.
    let openAPI = OpenAPICache()

    init(record: CapsetRecord, tokens: TokenSet, instances: [InstanceRoute]) {
        self.record = record
        self.tokens = tokens
        let enabled = record.enabled ? instances : []
        orderedInstances = enabled.sorted { ($0.service.record.id, $0.endpoint.instanceID) < ($1.service.record.id, $1.endpoint.instanceID) }
        self.instances = Dictionary(enabled.map { ($0.endpoint.instanceID, $0) }, uniquingKeysWith: { first, _ in first })
        var tools: [String: MethodRoute] = [:]
        for instance in orderedInstances {
            for method in instance.orderedMethods where method.descriptor.isUnary && !method.toolName.isEmpty {
                if tools[method.toolName] == nil { tools[method.toolName] = method }
            }
        }
        self.tools = tools
        var sources: [(set: DescriptorSet, exposedMethods: Set<String>)] = []
        for instance in orderedInstances where !instance.methods.isEmpty {
            guard let set = instance.service.descriptors else { continue }
            sources.append((set, Set(instance.orderedMethods.map(\.descriptor.fullName))))
        }
        reflectionIndex = sources.isEmpty ? nil : ReflectionIndex(sources: sources)
    }

    /// Whether anything at all is exposed (SPEC §8.3, §8.5 "capset not found" otherwise).
    public var exposesAnything: Bool { orderedInstances.contains { !$0.methods.isEmpty } }
}

/// An instance bound into a capset, with the methods the capset exposes.
public final class InstanceRoute: Sendable {
    public let binding: CapsetInstanceRecord
    public let endpoint: InstanceEndpoint
    public let service: ServiceSnapshot
    /// Exposed methods whose method still exists in the service, by `:path` (`/pkg.Svc/M`).
    public let methods: [String: MethodRoute]
    /// The same in method-name order.
    public let orderedMethods: [MethodRoute]

    init(binding: CapsetInstanceRecord, endpoint: InstanceEndpoint, service: ServiceSnapshot, methods: [MethodRoute]) {
        self.binding = binding
        self.endpoint = endpoint
        self.service = service
        orderedMethods = methods.sorted { $0.descriptor.fullName < $1.descriptor.fullName }
        self.methods = Dictionary(methods.map { ($0.descriptor.path, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One exposed method.
public final class MethodRoute: Sendable {
    public let descriptor: MethodDescriptor
    /// The MCP tool name (empty for streaming methods).
    public let toolName: String
    public let instanceID: String
    public let serviceID: String

    init(descriptor: MethodDescriptor, toolName: String, instanceID: String, serviceID: String) {
        self.descriptor = descriptor
        self.toolName = toolName
        self.instanceID = instanceID
        self.serviceID = serviceID
    }
}

/// An imported service with its decoded descriptors (nil when the descriptor file is missing
/// or unreadable: its methods are then not routable and the catalog says `degraded`).
public final class ServiceSnapshot: Sendable {
    public let record: ServiceRecord
    public let descriptors: DescriptorSet?

    init(record: ServiceRecord, descriptors: DescriptorSet?) {
        self.record = record
        self.descriptors = descriptors
    }
}
