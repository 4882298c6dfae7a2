/// The identifiers a document declares, found by walking its subschemas before compiling:
/// schema resources (`$id`, and each document root), `$anchor`s and `$dynamicAnchor`s, and
/// the base URI in effect at each subschema (what a relative `$ref` resolves against).
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

    /// Registers a document root (whether or not it has an `$id`) under `uri`.
    mutating func addDocument(_ document: JSONValue, location: SchemaLocation, uri: SchemaURI, dialect: SchemaDialect,
                              describe: (SchemaLocation) -> String) throws(JSONSchemaError) {
        let resource = try register(uri.withoutFragment, at: location, describe: describe)
        try walk(document, at: location, scope: Scope(base: uri.withoutFragment, resource: resource), depth: 0,
                 dialect: dialect, describe: describe)
    }

    /// Walks a subtree first reached through a `$ref` into a non-schema position (such as
    /// `#/examples/0`), inheriting the base URI of its nearest walked ancestor.
    mutating func addSubtree(_ value: JSONValue, at location: SchemaLocation, dialect: SchemaDialect,
                             describe: (SchemaLocation) -> String) throws(JSONSchemaError) {
        guard scopes[location] == nil else { return }
        var ancestor = location.parent
        while let candidate = ancestor, scopes[candidate] == nil { ancestor = candidate.parent }
        guard let ancestor, let scope = scopes[ancestor] else { return }
        try walk(value, at: location, scope: scope, depth: 0, dialect: dialect, describe: describe)
    }

    private mutating func register(_ uri: SchemaURI, at location: SchemaLocation,
                                   describe: (SchemaLocation) -> String) throws(JSONSchemaError) -> Int {
        let key = uri.description
        if let existing = resourceByURI[key] {
            guard resources[existing].location == location else {
                throw JSONSchemaError(.invalidSchema, "duplicate $id \"\(key)\"", at: describe(location))
            }
            return existing
        }
        resources.append(Resource(uri: key, location: location))
        resourceByURI[key] = resources.count - 1
        return resources.count - 1
    }

    private mutating func walk(_ value: JSONValue, at location: SchemaLocation, scope inherited: Scope, depth: Int,
                               dialect: SchemaDialect, describe: (SchemaLocation) -> String) throws(JSONSchemaError) {
        guard depth < JSONSchema.defaultMaximumSchemaDepth else {
            throw JSONSchemaError(.schemaTooLarge, "schema nesting exceeds \(JSONSchema.defaultMaximumSchemaDepth) levels",
                                  at: describe(location))
        }
        guard case .object(let object) = value else {
            scopes[location] = inherited
            return
        }
        var scope = inherited
        if let id = object["$id"] {
            guard case .string(let text) = id else {
                throw JSONSchemaError(.invalidSchema, "$id must be a string", at: describe(location))
            }
            let resolved = scope.base.resolving(text)
            if let fragment = resolved.fragment, !fragment.isEmpty {
                if dialect.hasArrayItems, text.hasPrefix("#") {
                    // Drafts 07 and before spell anchors as `"$id": "#name"`.
                    try addAnchor(fragment, base: scope.base, location: location, describe: describe)
                } else {
                    throw JSONSchemaError(.invalidSchema, "$id must not contain a fragment (use $anchor)", at: describe(location))
                }
            } else {
                scope = Scope(base: resolved.withoutFragment, resource: try register(resolved.withoutFragment, at: location, describe: describe))
            }
        }
        scopes[location] = scope
        if let anchor = object["$anchor"] {
            guard case .string(let name) = anchor, Self.isValidAnchor(name) else {
                throw JSONSchemaError(.invalidSchema, "$anchor must be a name matching ^[A-Za-z_][-A-Za-z0-9._]*$", at: describe(location))
            }
            try addAnchor(name, base: scope.base, location: location, describe: describe)
        }
        if let anchor = object["$dynamicAnchor"] {
            guard case .string(let name) = anchor, Self.isValidAnchor(name) else {
                throw JSONSchemaError(.invalidSchema, "$dynamicAnchor must be a name matching ^[A-Za-z_][-A-Za-z0-9._]*$", at: describe(location))
            }
            try addAnchor(name, base: scope.base, location: location, describe: describe)
            resources[scope.resource].dynamicAnchors[name] = location
        }
        try SchemaSubschemas.forEach(in: object) { (tokens, child) throws(JSONSchemaError) in
            var childLocation = location
            for token in tokens { childLocation = childLocation.appending(token) }
            try walk(child, at: childLocation, scope: scope, depth: depth + 1, dialect: dialect, describe: describe)
        }
    }

    private mutating func addAnchor(_ name: String, base: SchemaURI, location: SchemaLocation,
                                    describe: (SchemaLocation) -> String) throws(JSONSchemaError) {
        let key = base.description + "#" + name
        if let existing = anchors[key], existing != location {
            throw JSONSchemaError(.invalidSchema, "duplicate anchor \"\(name)\"", at: describe(location))
        }
        anchors[key] = location
    }

    static func isValidAnchor(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ($0.value >= 48 && $0.value <= 57) || $0 == "-" || $0 == "." || $0 == "_")
        }
    }
}
