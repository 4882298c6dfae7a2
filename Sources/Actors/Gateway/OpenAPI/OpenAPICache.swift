import Protocols
import Synchronization

/// A capset's OpenAPI 3.1 document (SPEC §8.6), built from the routing snapshot on first use
/// and reused for that snapshot's life, in both renderings.
final class OpenAPICache: Sendable {
    struct Rendered: Sendable {
        let json: [UInt8]
        let yaml: [UInt8]
    }

    /// The document or its build error, once built. Guarded by its mutex (built outside it).
    private let stored = Mutex<Result<Rendered, OpenAPIError>?>(nil)

    init() {}

    func document(for capset: CapsetRoute) -> Result<Rendered, OpenAPIError> {
        if let built = stored.withLock({ $0 }) { return built }
        let built = Self.build(capset)
        return stored.withLock { value in
            if let value { return value }
            value = built
            return built
        }
    }

    private static func build(_ capset: CapsetRoute) -> Result<Rendered, OpenAPIError> {
        var bindings: [OpenAPIBinding] = []
        for instance in capset.orderedInstances {
            guard let set = instance.service.descriptors else { continue }
            let methods = instance.orderedMethods.map(\.descriptor).filter(\.isUnary)
            guard !methods.isEmpty else { continue }
            bindings.append(OpenAPIBinding(instanceID: instance.endpoint.instanceID, serviceID: instance.service.record.id,
                                           methods: methods, descriptorSet: set))
        }
        do throws(OpenAPIError) {
            let document = try OpenAPIDocument.build(capsetID: capset.record.id, bindings: bindings)
            var json = JSONWriter(pretty: true).bytes(document)
            json.append(10)
            return .success(Rendered(json: json, yaml: Array(YAMLWriter().string(document).utf8)))
        } catch {
            return .failure(error)
        }
    }
}
