import Protocols

/// Compiles the routing table from what the actors published (pure: no I/O, no actors).
enum RoutingCompiler {
    static func compile(capsets: [String: CapsetBindings], endpoints: [String: InstanceEndpoint],
                        services: [String: ServiceSnapshot], generation: UInt64) -> RoutingTable {
        var routes: [String: CapsetRoute] = [:]
        for (id, bindings) in capsets {
            var methodsByInstance: [String: [CapsetMethodRecord]] = [:]
            for method in bindings.methods where method.enabled {
                methodsByInstance[method.instanceID, default: []].append(method)
            }
            var instances: [InstanceRoute] = []
            for binding in bindings.instances where binding.enabled {
                guard let endpoint = endpoints[binding.instanceID], let service = services[endpoint.serviceID] else { continue }
                var methods: [MethodRoute] = []
                if let descriptors = service.descriptors {
                    for method in methodsByInstance[binding.instanceID] ?? [] {
                        // A binding to a method the service no longer has stops resolving (SPEC §3.4).
                        guard let descriptor = descriptors.method(path: method.methodFullName),
                              service.record.method(method.methodFullName) != nil else { continue }
                        methods.append(MethodRoute(descriptor: descriptor, toolName: descriptor.isUnary ? method.mcpToolName : "",
                                                   instanceID: binding.instanceID, serviceID: service.record.id))
                    }
                }
                instances.append(InstanceRoute(binding: binding, endpoint: endpoint, service: service, methods: methods))
            }
            routes[id] = CapsetRoute(record: bindings.record, tokens: TokenSet(records: bindings.tokens), instances: instances)
        }
        return RoutingTable(capsets: routes, generation: generation)
    }
}
