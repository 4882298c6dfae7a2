/// Builds a tool's `inputSchema` from its request message exactly as SPEC §8.5 describes
/// (redpanda protoc-gen-go-mcp `MessageSchema`, non-OpenAI mode), plus proto comments as
/// descriptions.
///
/// Keys are proto field names. Messages are expanded inline; a message already expanded
/// ``maximumExpansions`` times on the current path becomes a string placeholder, so recursive
/// types stay finite. Each real oneof moves its members out of `properties` into one
/// `anyOf` entry holding a `oneOf` of single-member branches.
struct MCPInputSchemaBuilder {
    let set: DescriptorSet
    let maximumExpansions: Int
    /// Expansions of each message (by full name) on the current path.
    private var expansions: [String: Int] = [:]

    static let oneofComment = "In this schema, there is a oneOf group for every protobuf oneOf block in the message."
    static let valueDescription =
        "represents a google.protobuf.Value, a dynamic JSON value (string, number, boolean, array, object)."

    init(set: DescriptorSet, maximumExpansions: Int) {
        self.set = set
        self.maximumExpansions = maximumExpansions
    }

    /// The schema of a request message, with its top-level `type` forced to `object`.
    mutating func topLevelSchema(_ message: MessageDescriptor) -> JSONValue {
        var schema = messageSchema(message)
        schema["type"] = .string("object")
        return .object(schema)
    }

    mutating func messageSchema(_ message: MessageDescriptor) -> JSONObject {
        let count = expansions[message.fullName, default: 0]
        if count >= maximumExpansions {
            return [
                "type": "string",
                "description": .string("JSON-encoded \(message.name). Provide a JSON object as a string."),
            ]
        }
        expansions[message.fullName] = count + 1
        defer { expansions[message.fullName] = count }

        var properties = JSONObject()
        var required: [JSONValue] = []
        var branches = [[JSONValue]](repeating: [], count: message.oneofs.count)
        for field in message.fields {
            if let oneof = field.oneofIndex, oneof >= 0, oneof < message.oneofs.count,
                !message.oneofs[oneof].isSynthetic
            {
                let branch: JSONObject = [
                    "properties": .object([field.name: .object(fieldSchema(field))]),
                    "required": .array([.string(field.name)]),
                ]
                branches[oneof].append(.object(branch))
            } else {
                properties[field.name] = .object(fieldSchema(field))
                if field.isRequiredByFieldBehavior { required.append(.string(field.name)) }
            }
        }
        var schema: JSONObject = ["type": "object"]
        if !message.comments.text.isEmpty { schema["description"] = .string(message.comments.text) }
        schema["properties"] = .object(properties)
        schema["required"] = .array(required)
        var groups: [JSONValue] = []
        for (index, oneof) in message.oneofs.enumerated() where !oneof.isSynthetic && !branches[index].isEmpty {
            var group: JSONObject = ["oneOf": .array(branches[index]), "$comment": .string(Self.oneofComment)]
            if !oneof.comments.text.isEmpty { group["description"] = .string(oneof.comments.text) }
            groups.append(.object(group))
        }
        if !groups.isEmpty { schema["anyOf"] = .array(groups) }
        return schema
    }

    /// A field's schema: list, map or single value, with the field's comments as description.
    private mutating func fieldSchema(_ field: FieldDescriptor) -> JSONObject {
        let schema: JSONObject
        if let key = field.mapKey, let value = field.mapValue {
            schema = [
                "type": "object",
                "propertyNames": .object(Self.mapKeySchema(key.type)),
                "additionalProperties": .object(valueSchema(value)),
            ]
        } else if field.isList {
            schema = ["type": "array", "items": .object(valueSchema(field))]
        } else {
            schema = valueSchema(field)
        }
        return SchemaDescription.prepending(field.comments.text, to: schema)
    }

    /// One value of the field's type (a list item, a map value, or the field itself).
    private mutating func valueSchema(_ field: FieldDescriptor) -> JSONObject {
        switch field.type {
        case .message, .group:
            guard let type = field.messageType(in: set) else { return ["type": "object"] }
            if let wellKnown = type.wellKnownType { return Self.wellKnownSchema(wellKnown) }
            return messageSchema(type)
        case .enum:
            guard let type = field.enumType(in: set) else { return ["type": "string"] }
            return ["type": "string", "enum": .array(type.values.map { .string($0.name) })]
        case .bytes:
            return ["type": "string", "contentEncoding": "base64", "format": "byte"]
        case .bool:
            return ["type": "boolean"]
        case .string:
            return ["type": "string"]
        case .int32, .sint32, .sfixed32, .uint32, .fixed32:
            return ["type": "integer"]
        case .int64, .sint64, .sfixed64, .uint64, .fixed64:
            return ["type": "string"]
        case .float, .double:
            return ["type": "number"]
        }
    }

    /// `propertyNames` of a map: digits for integer keys, `true`/`false` for bool keys.
    static func mapKeySchema(_ type: FieldDescriptor.FieldType) -> JSONObject {
        switch type {
        case .bool:
            return ["type": "string", "enum": ["true", "false"]]
        case .uint32, .fixed32, .uint64, .fixed64:
            return ["type": "string", "pattern": #"^(0|[1-9]\d*)$"#]
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            return ["type": "string", "pattern": #"^-?(0|[1-9]\d*)$"#]
        default:
            return ["type": "string"]
        }
    }

    /// The SPEC §8.5 forms of the well-known types (nullable where ProtoJSON accepts null).
    static func wellKnownSchema(_ type: WellKnownType) -> JSONObject {
        switch type {
        case .timestamp:
            return ["type": ["string", "null"], "format": "date-time"]
        case .duration:
            return ["type": ["string", "null"], "pattern": #"^-?[0-9]+(\.[0-9]+)?s$"#]
        case .struct:
            return ["type": "object", "additionalProperties": true]
        case .value:
            return ["description": .string(valueDescription)]
        case .listValue:
            return ["type": "array", "items": .object(JSONObject())]
        case .fieldMask:
            return ["type": "string"]
        case .any:
            return [
                "type": ["object", "null"],
                "properties": ["@type": ["type": "string"], "value": .object(JSONObject())],
                "required": ["@type"],
            ]
        case .wrapper(let kind):
            switch kind {
            case .double, .float, .int32, .uint32: return ["type": ["number", "null"]]
            case .bool: return ["type": ["boolean", "null"]]
            case .bytes: return ["type": ["string", "null"], "format": "byte"]
            default: return ["type": ["string", "null"]]
            }
        }
    }
}
