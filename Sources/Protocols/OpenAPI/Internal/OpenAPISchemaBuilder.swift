/// Component schemas for the messages of one descriptor set, in the style of
/// protoc-gen-connect-openapi: one component per message and enum (named by full name),
/// properties keyed by JSON name with the proto name as `title`, closed objects, 64-bit
/// integers as strings with a `format`, enums as string enums, and the well-known types in
/// their ProtoJSON forms. Only what the exposed methods reach is generated.
struct OpenAPISchemaBuilder {
    let set: DescriptorSet
    /// Components built so far, in creation order.
    private(set) var components: [(name: String, schema: JSONValue)] = []
    private var created: Set<String> = []

    init(set: DescriptorSet) {
        self.set = set
    }

    static func reference(_ name: String) -> JSONValue {
        .string("#/components/schemas/" + JSONPointer.escape(name))
    }

    /// `{"$ref": …}` to the message's component, building it (and what it reaches) first.
    mutating func reference(to message: MessageDescriptor) -> JSONObject {
        define(message)
        return ["$ref": Self.reference(message.fullName)]
    }

    private mutating func define(_ message: MessageDescriptor) {
        guard created.insert(message.fullName).inserted else { return }
        let index = components.count
        components.append((message.fullName, .null))
        let schema: JSONObject
        if let wellKnown = message.wellKnownType {
            schema = wellKnownSchema(wellKnown)
        } else {
            schema = messageSchema(message)
        }
        components[index].schema = .object(schema)
    }

    private mutating func defineEnum(_ type: EnumDescriptor) {
        guard created.insert(type.fullName).inserted else { return }
        var schema: JSONObject = [
            "type": "string", "title": .string(type.name), "enum": .array(type.values.map { .string($0.name) }),
        ]
        if !type.comments.text.isEmpty { schema["description"] = .string(type.comments.text) }
        components.append((type.fullName, .object(schema)))
    }

    private mutating func messageSchema(_ message: MessageDescriptor) -> JSONObject {
        var properties = JSONObject()
        var required: [JSONValue] = []
        for field in message.fields {
            var schema = fieldSchema(field)
            schema["title"] = .string(field.name)
            if !field.comments.text.isEmpty { schema["description"] = .string(field.comments.text) }
            properties[field.jsonName] = .object(schema)
            if field.label == .required || field.isRequiredByFieldBehavior { required.append(.string(field.jsonName)) }
        }
        var schema: JSONObject = ["type": "object"]
        if !properties.isEmpty { schema["properties"] = .object(properties) }
        if !required.isEmpty { schema["required"] = .array(required) }
        schema["title"] = .string(message.name)
        schema["additionalProperties"] = false
        // google.protobuf's own comments are pages long; they add nothing to an API document.
        if !message.comments.text.isEmpty, !message.fullName.hasPrefix("google.protobuf.") {
            schema["description"] = .string(message.comments.text)
        }
        return schema
    }

    private mutating func fieldSchema(_ field: FieldDescriptor) -> JSONObject {
        if let key = field.mapKey, let value = field.mapValue {
            var schema: JSONObject = ["type": "object"]
            let names = MCPInputSchemaBuilder.mapKeySchema(key.type)
            if names.count > 1 { schema["propertyNames"] = .object(names) }
            schema["additionalProperties"] = .object(valueSchema(value))
            return schema
        }
        if field.isList {
            return ["type": "array", "items": .object(valueSchema(field))]
        }
        return valueSchema(field)
    }

    private mutating func valueSchema(_ field: FieldDescriptor) -> JSONObject {
        switch field.type {
        case .message, .group:
            guard let type = field.messageType(in: set) else { return ["type": "object"] }
            return reference(to: type)
        case .enum:
            guard let type = field.enumType(in: set) else { return ["type": "string"] }
            if type.fullName == WellKnownType.nullValueFullName { return ["type": "null"] }
            defineEnum(type)
            return ["$ref": Self.reference(type.fullName)]
        default:
            return Self.scalarSchema(field.type)
        }
    }

    static func scalarSchema(_ type: FieldDescriptor.FieldType) -> JSONObject {
        switch type {
        case .double, .float:
            return [
                "oneOf": [
                    ["type": "number", "format": type == .double ? "double" : "float"],
                    ["type": "string", "enum": ["NaN", "Infinity", "-Infinity"]],
                ]
            ]
        case .int32, .sint32, .sfixed32:
            return ["type": "integer", "format": "int32"]
        case .uint32, .fixed32:
            return ["type": "integer"]
        case .int64, .sint64, .sfixed64:
            return ["type": "string", "format": "int64"]
        case .uint64, .fixed64:
            return ["type": "string", "format": "uint64"]
        case .bool:
            return ["type": "boolean"]
        case .string:
            return ["type": "string"]
        case .bytes:
            return ["type": "string", "format": "byte", "contentEncoding": "base64"]
        case .enum, .message, .group:
            return JSONObject()
        }
    }

    private mutating func wellKnownSchema(_ type: WellKnownType) -> JSONObject {
        switch type {
        case .timestamp:
            return [
                "type": "string", "format": "date-time",
                "examples": ["2023-01-15T01:30:15.01Z", "2024-12-25T12:00:00Z"],
            ]
        case .duration:
            return ["type": "string", "pattern": #"^-?[0-9]+(\.[0-9]+)?s$"#, "examples": ["1.5s", "300s"]]
        case .fieldMask:
            return ["type": "string", "description": "Comma-separated field paths in lowerCamelCase."]
        case .struct:
            return ["type": "object", "additionalProperties": true]
        case .value:
            return [
                "oneOf": [
                    ["type": "null"], ["type": "number"], ["type": "string"], ["type": "boolean"], ["type": "array"],
                    ["type": "object", "additionalProperties": true],
                ],
                "description": "Any JSON value.",
            ]
        case .listValue:
            if let value = set.message(fullName: WellKnownType.valueFullName) {
                return ["type": "array", "items": .object(reference(to: value))]
            }
            return ["type": "array"]
        case .any:
            return [
                "type": "object", "properties": ["@type": ["type": "string"]], "additionalProperties": true,
                "description": #"A message of the type named by "@type", with its fields alongside."#,
            ]
        case .wrapper(let kind):
            return Self.scalarSchema(kind)
        }
    }
}
