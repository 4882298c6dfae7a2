/// Turns a schema document into a ``SchemaProgram``.
///
/// 1. Index the document: resources, anchors, the base URI at each subschema
///    (``SchemaResourceIndex``).
/// 2. Compile from the root with a worklist: a subschema gets its node index the first time
///    anything refers to it, so `$ref` cycles close on themselves and nesting never recurses.
/// 3. Reject `$ref` loops that never descend into the instance (they could only recurse
///    forever at validation time).
struct SchemaCompiler {
    var documents: [JSONValue] = []
    var dialect: SchemaDialect = .draft2020_12
    var index = SchemaResourceIndex()
    var program = SchemaProgram()
    var nodeByLocation: [SchemaLocation: Int] = [:]
    var locationByNode: [SchemaLocation] = []
    var pending: [Int] = []

    /// The base URI of a document without `$id` (never shown; relative references that
    /// leave the document resolve against it and are then reported as remote).
    static let defaultBaseURI = "https://schema.octobus.invalid/root.json"

    static func compile(_ schema: JSONValue) throws(JSONSchemaError) -> SchemaProgram {
        var compiler = SchemaCompiler()
        if case .object(let object) = schema, let declared = object["$schema"] {
            guard case .string(let uri) = declared else {
                throw JSONSchemaError(.invalidSchema, "$schema must be a string", at: "#")
            }
            guard let dialect = SchemaDialect(schemaURI: uri) else {
                throw JSONSchemaError(
                    .unsupportedDialect,
                    "unsupported $schema \"\(uri)\" (supported: draft 2020-12, 2019-09, 07, 06, 04)", at: "#")
            }
            compiler.dialect = dialect
        }
        compiler.documents = [schema]
        let base = SchemaURI(parsing: defaultBaseURI)
        try compiler.index.addDocument(schema, uri: base, name: "", dialect: compiler.dialect)
        compiler.program.root = try compiler.node(for: SchemaLocation(document: 0, pointer: ""))
        // Every resource's dynamic anchors get nodes (the dynamic scope may select any of them);
        // compiling those can load more resources, so repeat until nothing is left.
        repeat {
            while let next = compiler.pending.popLast() {
                try compiler.compileNode(next)
            }
            while compiler.program.dynamicAnchors.count < compiler.index.resources.count {
                var anchors: [String: Int] = [:]
                let resource = compiler.index.resources[compiler.program.dynamicAnchors.count]
                for (name, location) in resource.dynamicAnchors { anchors[name] = try compiler.node(for: location) }
                compiler.program.dynamicAnchors.append(anchors)
            }
        } while !compiler.pending.isEmpty
        try compiler.checkForCycles()
        return compiler.program
    }

    func describe(_ location: SchemaLocation) -> String {
        index.describe(location)
    }

    /// The node for the subschema at `location`, queued for compilation on first use.
    mutating func node(for location: SchemaLocation) throws(JSONSchemaError) -> Int {
        if let existing = nodeByLocation[location] { return existing }
        let index = program.nodes.count
        program.nodes.append(.boolean(true))
        locationByNode.append(location)
        nodeByLocation[location] = index
        pending.append(index)
        return index
    }

    func value(at location: SchemaLocation) -> JSONValue? {
        JSONPointer.resolve(location.pointer, in: documents[location.document])
    }

    private mutating func compileNode(_ node: Int) throws(JSONSchemaError) {
        let location = locationByNode[node]
        guard let value = value(at: location) else {
            throw JSONSchemaError(.unresolvedReference, "nothing at this location", at: describe(location))
        }
        switch value {
        case .bool(let flag):
            program.nodes[node] = .boolean(flag)
        case .object(let object):
            try index.addSubtree(value, at: location)
            program.nodes[node] = .object(try compileObject(object, at: location))
        default:
            throw JSONSchemaError(
                .invalidSchema, "schema must be an object or a boolean, not \(value.kindName)", at: describe(location))
        }
    }

    // MARK: References

    /// Resolves a `$ref`/`$dynamicRef` value written at `location` to the location it names.
    mutating func resolveReference(_ reference: String, from location: SchemaLocation,
                                   keyword: String) throws(JSONSchemaError) -> SchemaLocation {
        func failure(_ code: JSONSchemaError.Code, _ problem: String) -> JSONSchemaError {
            JSONSchemaError(code, "\(keyword) \"\(reference)\" \(problem)", at: describe(location))
        }
        guard let scope = index.scopes[location] else { throw failure(.unresolvedReference, "cannot be resolved") }
        let absolute = scope.base.resolving(reference)
        let documentURI = absolute.withoutFragment.description
        var resourceIndex = index.resourceByURI[documentURI]
        if resourceIndex == nil, let text = BundledMetaSchemas.text(for: documentURI) {
            resourceIndex = try loadBundledDocument(text, uri: documentURI)
        }
        guard let resourceIndex else {
            throw failure(.unsupportedReference, "refers to another document; remote references are not supported")
        }
        let resource = index.resources[resourceIndex]
        let fragment = (absolute.fragment ?? "").removingPercentEncoding
        if fragment.isEmpty { return resource.location }
        if fragment.hasPrefix("/") {
            guard JSONPointer.tokens(fragment) != nil else {
                throw failure(.unresolvedReference, "is not a valid JSON pointer")
            }
            var target = resource.location
            target.pointer += fragment
            guard value(at: target) != nil else { throw failure(.unresolvedReference, "does not resolve") }
            return target
        }
        guard let anchor = index.anchors[documentURI + "#" + fragment] else {
            throw failure(.unresolvedReference, "names no anchor")
        }
        return anchor
    }

    private mutating func loadBundledDocument(_ text: String, uri: String) throws(JSONSchemaError) -> Int? {
        let document: JSONValue
        do {
            document = try JSONParser.parse(text)
        } catch {
            throw JSONSchemaError(.invalidSchema, "bundled meta-schema \(uri) does not parse: \(error)", at: uri)
        }
        documents.append(document)
        try index.addDocument(document, uri: SchemaURI(parsing: uri), name: uri, dialect: .draft2020_12)
        return index.resourceByURI[uri]
    }

    // MARK: Cycles

    /// Finds a loop of applicators that stay on the same instance location ($ref, allOf, …).
    private func checkForCycles() throws(JSONSchemaError) {
        let count = program.nodes.count
        var edges = Array(repeating: [Int](), count: count)
        var dynamicTargets: [String: [Int]] = [:]
        for anchors in program.dynamicAnchors {
            for (name, node) in anchors { dynamicTargets[name, default: []].append(node) }
        }
        for node in 0..<count {
            guard case .object(let object) = program.nodes[node] else { continue }
            for keyword in object.keywords {
                switch keyword {
                case .ref(let target): edges[node].append(target)
                case .dynamicRef(let reference):
                    edges[node].append(reference.target)
                    if let anchor = reference.anchor { edges[node] += dynamicTargets[anchor] ?? [] }
                case .allOf(let children), .anyOf(let children), .oneOf(let children): edges[node] += children
                case .not(let child): edges[node].append(child)
                case .conditional(let condition, let then, let otherwise):
                    edges[node].append(condition)
                    if let then { edges[node].append(then) }
                    if let otherwise { edges[node].append(otherwise) }
                case .dependentSchemas(let list, _): edges[node] += list.map(\.schema)
                default: break
                }
            }
        }
        // Iterative depth-first search; state 1 = on the current path, 2 = done.
        var state = Array(repeating: 0, count: count)
        for start in 0..<count where state[start] == 0 {
            var stack: [(node: Int, next: Int)] = [(start, 0)]
            state[start] = 1
            while let top = stack.last {
                if top.next < edges[top.node].count {
                    stack[stack.count - 1].next += 1
                    let target = edges[top.node][top.next]
                    if state[target] == 1 {
                        let path = stack.map(\.node).drop { $0 != target } + [target]
                        let description = path.map { describe(locationByNode[$0]) }.joined(separator: " → ")
                        throw JSONSchemaError(
                            .referenceCycle,
                            "references loop without descending into the instance (\(description))",
                            at: describe(locationByNode[target]))
                    }
                    if state[target] == 0 {
                        state[target] = 1
                        stack.append((target, 0))
                    }
                } else {
                    state[top.node] = 2
                    stack.removeLast()
                }
            }
        }
    }
}

extension String {
    /// Decodes `%XX` escapes (URI fragments in `$ref`).
    fileprivate var removingPercentEncoding: String { PercentEncoding.decode(self) }
}
