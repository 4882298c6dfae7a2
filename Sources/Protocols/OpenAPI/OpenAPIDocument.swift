/// A capset's OpenAPI 3.1 document for its Connect endpoints (SPEC §8.6), in the style of
/// protoc-gen-connect-openapi.
///
/// - `info`: title `OctoBus Connect RPC Catalog: <c>`, version `<c>`.
/// - `paths`: for each exposed **unary** method of each binding,
///   `/capsets/<c>/connect/<instance>/<pkg.Svc>/<Method>` with a `post` operation (request
///   and response bodies in `application/json` and `application/proto`, errors as
///   `connect.error` JSON), and for methods declared `idempotency_level = NO_SIDE_EFFECTS`
///   also a `get` operation taking the Connect GET query (`connect`, `encoding`, `message`,
///   `base64`, `compression`). `operationId` is `<c>_<service>_<instance>_<full method>_<verb>`
///   with every character but ASCII letters and digits replaced by `_`. The
///   `Connect-Protocol-Version` header is optional.
/// - `components.schemas`: the messages, enums and well-known types the operations reach
///   (see `OpenAPISchemaBuilder`), plus `connect.error`. Descriptor sets are merged by
///   component name; the same name with a different schema is an ``OpenAPIError`` (`incompatible
///   OpenAPI component schemas.<name>`).
///
/// Paths, components and tags are sorted by name (as upstream's Go encoder writes maps).
/// With no unary method the document is `{"openapi":"3.1.0","info":{…},"paths":{}}`.
///
/// - Note: Unlike upstream (SPEC §13.8), unary endpoints advertise only the content types
///   Connect serves for unary calls (`application/json`, `application/proto`), not the
///   streaming `application/connect+json|proto`.
public enum OpenAPIDocument {
    /// The OpenAPI version written.
    public static let openAPIVersion = "3.1.0"
    /// The content types of unary request and response bodies.
    public static let unaryContentTypes = ["application/json", "application/proto"]
    /// The name of the Connect error component.
    public static let errorComponent = "connect.error"

    /// Builds the document for `capsetID` from its bindings, in the order given.
    /// - Throws: ``OpenAPIError`` when two descriptor sets disagree on a component, or a
    ///   method's message type is missing from its set.
    public static func build(capsetID: String, bindings: [OpenAPIBinding]) throws(OpenAPIError) -> JSONValue {
        var paths: [(String, JSONValue)] = []
        var seenPaths: Set<String> = []
        var components: [String: JSONValue] = [:]
        var tags: [String: String] = [:]

        func merge(_ name: String, _ schema: JSONValue) throws(OpenAPIError) {
            if let existing = components[name] {
                guard existing == schema else {
                    throw OpenAPIError(.incompatibleComponent, "incompatible OpenAPI component schemas.\(name)")
                }
            } else {
                components[name] = schema
            }
        }

        for binding in bindings {
            var schemas = OpenAPISchemaBuilder(set: binding.descriptorSet)
            for method in binding.methods where method.isUnary {
                let path = "/capsets/\(capsetID)/connect/\(binding.instanceID)/\(method.fullName)"
                guard seenPaths.insert(path).inserted else { continue }
                guard let input = binding.descriptorSet.message(fullName: method.inputType),
                    let output = binding.descriptorSet.message(fullName: method.outputType)
                else {
                    throw OpenAPIError(
                        .unknownMessageType, "a message type of \(method.fullName) is not in its descriptor set")
                }
                let request = schemas.reference(to: input)
                let response = schemas.reference(to: output)
                var item = JSONObject()
                if method.idempotencyLevel == .noSideEffects {
                    item["get"] = operation(
                        capsetID, binding, method, verb: "get", request: request, response: response)
                }
                item["post"] = operation(capsetID, binding, method, verb: "post", request: request, response: response)
                paths.append((path, .object(item)))
                if tags[method.serviceFullName] == nil {
                    tags[method.serviceFullName] =
                        binding.descriptorSet.service(fullName: method.serviceFullName)?.comments.text ?? ""
                }
            }
            for component in schemas.components { try merge(component.name, component.schema) }
        }

        var document: JSONObject = [
            "openapi": .string(openAPIVersion),
            "info": ["title": .string("OctoBus Connect RPC Catalog: \(capsetID)"), "version": .string(capsetID)],
            "paths": .object(JSONObject(paths.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })),
        ]
        guard !paths.isEmpty else { return .object(document) }
        for (name, schema) in fixedComponents { try merge(name, schema) }
        let sortedComponents = components.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        document["components"] = ["schemas": .object(JSONObject(sortedComponents.map { ($0.key, $0.value) }))]
        document["tags"] = .array(
            tags.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { name, description in
                var tag: JSONObject = ["name": .string(name)]
                if !description.isEmpty { tag["description"] = .string(description) }
                return .object(tag)
            })
        return .object(document)
    }

    /// `<c>_<service>_<instance>_<full method>_<verb>`, every character that is not an ASCII
    /// letter or digit replaced by `_` (`dev_echo_echo_test_echo_v1_EchoService_Echo_post`).
    public static func operationID(
        capsetID: String, serviceID: String, instanceID: String, method: String, verb: String
    ) -> String {
        let raw = [capsetID, serviceID, instanceID, method, verb].joined(separator: "_")
        var id = ""
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 48...57, 65...90, 97...122: id.unicodeScalars.append(scalar)
            default: id.append("_")
            }
        }
        return id
    }

    private static func operation(
        _ capsetID: String, _ binding: OpenAPIBinding, _ method: MethodDescriptor, verb: String,
        request: JSONObject, response: JSONObject
    ) -> JSONValue {
        var operation: JSONObject = ["tags": [.string(method.serviceFullName)], "summary": .string(method.name)]
        if !method.comments.text.isEmpty { operation["description"] = .string(method.comments.text) }
        operation["operationId"] = .string(
            operationID(
                capsetID: capsetID, serviceID: binding.serviceID, instanceID: binding.instanceID,
                method: method.fullName, verb: verb))
        var parameters: [JSONValue] = [
            [
                "name": "Connect-Protocol-Version", "in": "header", "required": false,
                "schema": ["$ref": OpenAPISchemaBuilder.reference("connect-protocol-version")],
            ],
            [
                "name": "Connect-Timeout-Ms", "in": "header",
                "schema": ["$ref": OpenAPISchemaBuilder.reference("connect-timeout-header")],
            ],
        ]
        if verb == "get" {
            parameters += [
                [
                    "name": "connect", "in": "query", "description": "The Connect protocol version.",
                    "schema": ["type": "string", "enum": ["v1"]],
                ],
                [
                    "name": "encoding", "in": "query", "required": true,
                    "description": "How `message` is encoded.", "schema": ["type": "string", "enum": ["json", "proto"]],
                ],
                [
                    "name": "message", "in": "query", "required": true,
                    "description": "The request message, URL-encoded (base64 when `base64=1`).",
                    "content": ["application/json": ["schema": .object(request)]],
                ],
                [
                    "name": "base64", "in": "query", "description": "1 when `message` is base64-encoded.",
                    "schema": ["type": "string", "enum": ["0", "1"]],
                ],
                [
                    "name": "compression", "in": "query", "description": "How `message` is compressed.",
                    "schema": ["type": "string", "enum": ["identity", "gzip"]],
                ],
            ]
        } else {
            operation["requestBody"] = ["content": content(request), "required": true]
        }
        operation["parameters"] = .array(parameters)
        operation["responses"] = [
            "200": ["description": "Success", "content": content(response)],
            "default": [
                "description": "Error",
                "content": ["application/json": ["schema": ["$ref": OpenAPISchemaBuilder.reference(errorComponent)]]],
            ],
        ]
        return .object(operation)
    }

    private static func content(_ schema: JSONObject) -> JSONValue {
        .object(JSONObject(unaryContentTypes.map { ($0, ["schema": .object(schema)]) }))
    }

    /// Components every non-empty document has: the Connect headers and the error body.
    private static let fixedComponents: [(String, JSONValue)] = [
        (
            "connect-protocol-version",
            [
                "type": "number", "title": "Connect-Protocol-Version", "enum": [1], "const": 1,
                "description": "The version of the Connect protocol (optional).",
            ]
        ),
        (
            "connect-timeout-header",
            ["type": "number", "title": "Connect-Timeout-Ms", "description": "The call's timeout, in milliseconds."]
        ),
        (
            errorComponent,
            [
                "type": "object",
                "properties": [
                    "code": [
                        "type": "string", "examples": ["not_found"],
                        "enum": .array(ConnectErrorCode.allCases.map { .string($0.name) }),
                        "description": "The Connect error code.",
                    ],
                    "message": ["type": "string", "description": "A developer-facing error message."],
                    "details": [
                        "type": "array",
                        "items": ["$ref": OpenAPISchemaBuilder.reference("connect.error_details.Any")],
                        "description": "Messages carrying details about the error.",
                    ],
                ],
                "title": "Connect Error", "additionalProperties": true,
                "description": "The error body of a Connect call: https://connectrpc.com/docs/protocol#error-end-stream",
            ]
        ),
        (
            "connect.error_details.Any",
            [
                "type": "object",
                "properties": [
                    "type": ["type": "string", "description": "The detail's message type (`google.rpc.RetryInfo`)."],
                    "value": [
                        "type": "string", "format": "byte",
                        "description": "The detail message, serialized and base64-encoded.",
                    ],
                    "debug": [
                        "type": "object", "additionalProperties": true,
                        "description": "The detail as JSON, for people; not for program logic.",
                    ],
                ],
                "additionalProperties": true,
            ]
        ),
    ]
}
