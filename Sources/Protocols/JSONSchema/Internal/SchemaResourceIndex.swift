/// The identifiers a schema's documents declare, found by walking their subschemas before
/// compiling: schema resources (each document root and each `$id`), `$anchor`s and
/// `$dynamicAnchor`s, and the base URI in effect at each subschema (what a relative `$ref`
/// there resolves against).
struct SchemaResourceIndex {
    struct Resource {
        /// Absolute URI without fragment.
        var uri: String
        var location: SchemaLocation
        var dynamicAnchors: [String: SchemaLocation] = [:]
    }

    struct Scope {
        var base: SchemaURI
        var resource: Int
    }

    private(set) var resources: [Resource] = []
    private(set) var resourceByURI: [String: Int] = [:]
    /// `absolute-uri#name` → location.
    private(set) var anchors: [String: SchemaLocation] = [:]
    /// Base URI and resource of every subschema walked.
    private(set) var scopes: [SchemaLocation: Scope] = [:]
    /// Per document: "" for the caller's, the URI for a bundled one (prefix of locations in errors).
    private(set) var documentNames: [String] = []
    private var dialects: [SchemaDialect] = []

    /// `#/properties/x`, or `https://…/meta/core#/$defs/x` in a bundled document.
    func describe(_ location: SchemaLocation) -> String {
        documentNames[location.document] + "#" + location.pointer
    }

    /// Registers document number `documentNames.count`, whose root is a resource named `uri`
    /// whether or not it has an `$id`, and walks it.
    mutating func addDocument(_ document: JSONValue, uri: SchemaURI, name: String,
                              dialect: SchemaDialect) throws(JSONSchemaError) {
        let location = SchemaLocation(document: documentNames.count, pointer: "")
        documentNames.append(name)
        dialects.append(dialect)
        let resource = try register(uri.withoutFragment, at: location)
        try walk(document, at: location, scope: Scope(base: uri.withoutFragment, resource: resource), depth: 0)
    }

    /// Walks a subtree first reached through a `$ref` into a non-schema position (such as
    /// `#/examples/0`), inheriting the base URI of its nearest walked ancestor.
    mutating func addSubtree(_ value: JSONValue, at location: SchemaLocation) throws(JSONSchemaError) {
        guard scopes[location] == nil else { return }
        var ancestor = location.parent
        while let candidate = ancestor, scopes[candidate] == nil { ancestor = candidate.parent }
        guard let ancestor, let scope = scopes[ancestor] else { return }
        try walk(value, at: location, scope: scope, depth: 0)
    }

    private func error(_ message: String, at location: SchemaLocation) -> JSONSchemaError {
        JSONSchemaError(.invalidSchema, message, at: describe(location))
    }

    private mutating func register(_ uri: SchemaURI, at location: SchemaLocation) throws(JSONSchemaError) -> Int {
        let key = uri.description
        if let existing = resourceByURI[key] {
            guard resources[existing].location == location else {
                throw error("duplicate $id \"\(key)\"", at: location)
            }
            return existing
        }
        resources.append(Resource(uri: key, location: location))
        resourceByURI[key] = resources.count - 1
        return resources.count - 1
    }

    private mutating func walk(_ value: JSONValue, at location: SchemaLocation, scope inherited: Scope,
                               depth: Int) throws(JSONSchemaError) {
        guard depth < JSONSchema.defaultMaximumSchemaDepth else {
            throw JSONSchemaError(
                .schemaTooLarge, "schema nesting exceeds \(JSONSchema.defaultMaximumSchemaDepth) levels",
                at: describe(location))
        }
        guard case .object(let object) = value else {
            scopes[location] = inherited
            return
        }
        var scope = inherited
        if let id = object["$id"] {
            guard case .string(let text) = id else { throw error("$id must be a string", at: location) }
            let resolved = scope.base.resolving(text)
            if let fragment = resolved.fragment, !fragment.isEmpty {
                // Drafts 07 and before spell anchors as `"$id": "#name"`.
                guard dialects[location.document].hasArrayItems, text.hasPrefix("#") else {
                    throw error("$id must not contain a fragment (use $anchor)", at: location)
                }
                try addAnchor(fragment, base: scope.base, at: location)
            } else {
                let base = resolved.withoutFragment
                scope = Scope(base: base, resource: try register(base, at: location))
            }
        }
        scopes[location] = scope
        for keyword in ["$anchor", "$dynamicAnchor"] {
            guard let anchor = object[keyword] else { continue }
            guard case .string(let name) = anchor, Self.isValidAnchor(name) else {
                throw error("\(keyword) must be a name matching ^[A-Za-z_][-A-Za-z0-9._]*$", at: location)
            }
            try addAnchor(name, base: scope.base, at: location)
            if keyword == "$dynamicAnchor" { resources[scope.resource].dynamicAnchors[name] = location }
        }
        try SchemaSubschemas.forEach(in: object) { (tokens, child) throws(JSONSchemaError) in
            var childLocation = location
            for token in tokens { childLocation = childLocation.appending(token) }
            try walk(child, at: childLocation, scope: scope, depth: depth + 1)
        }
    }

    private mutating func addAnchor(
        _ name: String, base: SchemaURI, at location: SchemaLocation
    ) throws(JSONSchemaError) {
        let key = base.description + "#" + name
        if let existing = anchors[key], existing != location {
            throw error("duplicate anchor \"\(name)\"", at: location)
        }
        anchors[key] = location
    }

    /// `^[A-Za-z_][-A-Za-z0-9._]*$`.
    static func isValidAnchor(_ name: String) -> Bool {
        var first = true
        for byte in name.utf8 {
            let letter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let valid = letter || byte == UInt8(ascii: "_")
                || (!first && (digit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")))
            guard valid else { return false }
            first = false
        }
        return !first
    }
}
