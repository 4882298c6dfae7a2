/// What gRPC reflection may reveal for one capset (SPEC §8.3, plus nested types): the exposed
/// services, the files in the dependency closure of their proto files — served with only the
/// exposed methods left in each service — and the symbols those files define.
public final class ReflectionIndex: Sendable {
    /// Exposed service names, sorted.
    public let services: [String]
    /// Served FileDescriptorProto bytes by file name.
    private let files: [String: [UInt8]]
    /// Each allowed file's closure (dependencies first, depth-first, then the file).
    private let closures: [String: [String]]
    /// Symbol → the file that defines it: services, `<service>.<method>`, messages and enums
    /// (nested ones too; upstream resolves top-level messages only).
    private let symbols: [String: String]

    /// `sources`: each exposed service's descriptor set with the full names
    /// (`pkg.Svc/Method`) of its exposed methods. When two sets hold different files of the same
    /// name, the first one wins (the names of a capset's files must be unique to be served).
    public init(sources: [(set: DescriptorSet, exposedMethods: Set<String>)]) {
        var services = Set<String>()
        var files: [String: [UInt8]] = [:]
        var closures: [String: [String]] = [:]
        var symbols: [String: String] = [:]
        // Methods exposed anywhere in the capset, for filtering every copy of a file.
        let exposed = sources.reduce(into: Set<String>()) { $0.formUnion($1.exposedMethods) }
        for (set, methods) in sources {
            let roots = Set(methods.compactMap { set.method(path: $0)?.file })
            for root in roots.sorted() {
                let closure = set.dependencyClosure(ofFile: root)
                if closures[root] == nil { closures[root] = closure.map(\.name) }
                for file in closure where files[file.name] == nil {
                    files[file.name] = file.rawBytes { exposed.contains($0.fullName) }
                    if closures[file.name] == nil { closures[file.name] = set.dependencyClosure(ofFile: file.name).map(\.name) }
                    for message in file.messages { Self.addMessage(message, file: file.name, into: &symbols) }
                    for enumType in file.enums { symbols[enumType.fullName] = symbols[enumType.fullName] ?? file.name }
                    for service in file.services {
                        let kept = service.methods.filter { exposed.contains($0.fullName) }
                        guard !kept.isEmpty else { continue }
                        services.insert(service.fullName)
                        symbols[service.fullName] = symbols[service.fullName] ?? file.name
                        for method in kept {
                            let symbol = service.fullName + "." + method.name
                            symbols[symbol] = symbols[symbol] ?? file.name
                        }
                    }
                }
            }
        }
        self.services = services.sorted()
        self.files = files
        self.closures = closures
        self.symbols = symbols
    }

    private static func addMessage(_ message: MessageDescriptor, file: String, into symbols: inout [String: String]) {
        if symbols[message.fullName] == nil { symbols[message.fullName] = file }
        for nested in message.nestedMessages where !nested.isMapEntry { addMessage(nested, file: file, into: &symbols) }
        for nested in message.nestedEnums where symbols[nested.fullName] == nil { symbols[nested.fullName] = file }
    }

    /// The served files for `file_by_filename`, dependencies first; nil if not allowed.
    public func fileClosure(named name: String) -> [[UInt8]]? {
        guard let closure = closures[name] else { return nil }
        return closure.compactMap { files[$0] }
    }

    /// The served files for `file_containing_symbol`; nil if the symbol is not exposed.
    public func fileClosure(containingSymbol symbol: String) -> [[UInt8]]? {
        let name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
        guard let file = symbols[name] else { return nil }
        return fileClosure(named: file)
    }
}
