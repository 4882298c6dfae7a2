/// Builds a tool's `outputSchema`: a JSON Schema (2020-12) that the canonical ProtoJSON of
/// the response message validates against — what ``ProtobufCodec/decodeToJSON(_:message:in:options:)``
/// writes with default options and the gateway returns as `structuredContent`.
///
/// Canonical output means JSON names as keys, default values omitted (so nothing is
/// `required`), 64-bit integers as decimal strings, enum values by name (numbers for values an
/// open enum does not list), bytes in padded standard base64, floats as numbers or
/// `"NaN"`/`"Infinity"`/`"-Infinity"`, and the well-known types in their JSON forms.
///
/// Unlike the input schema, nothing is cut off: each message type is defined once under
/// `$defs` and referenced with `$ref`, so recursive responses of any depth validate. The root
/// message is inlined at the top (with `type: object`); it also gets a `$defs` entry if it
/// refers to itself. Message objects are closed (`additionalProperties: false`), and each real
/// oneof allows at most one member.
struct MCPOutputSchemaBuilder {
    let set: DescriptorSet
    /// `$defs` entries in first-reference order; nil while an entry is being built.
    private var definitions: [(name: String, schema: JSONObject?)] = []
    private var definitionIndex: [String: Int] = [:]

    init(set: DescriptorSet) {
        self.set = set
    }

    /// Whether a message's canonical ProtoJSON is always a JSON object (MCP requires
    /// `structuredContent` to be one): false for the well-known types written as strings,
    /// numbers, arrays or any JSON value.
    static func rendersAsObject(_ message: MessageDescriptor) -> Bool {
        switch message.wellKnownType {
        case nil, .struct?, .any?: true
        default: false
        }
    }

    /// The schema for a response message, or nil if its ProtoJSON is not always an object.
    mutating func topLevelSchema(_ message: MessageDescriptor) -> JSONValue? {
        guard Self.rendersAsObject(message) else { return nil }
        var schema: JSONObject
        if let wellKnown = message.wellKnownType {
            schema = Self.wellKnownSchema(wellKnown)
        } else {
            schema = objectSchema(message)
        }
        schema["type"] = "object"
        if !definitions.isEmpty {
            var defs = JSONObject()
            for definition in definitions { defs[definition.name] = .object(definition.schema ?? JSONObject()) }
            schema["$defs"] = .object(defs)
        }
        return .object(schema)
    }

    /// The closed object schema of a (non well-known) message.
    private mutating func objectSchema(_ message: MessageDescriptor) -> JSONObject {
        var schema: JSONObject = ["type": "object"]
        if !message.comments.text.isEmpty { schema["description"] = .string(message.comments.text) }
        var properties = JSONObject()
        for field in message.fields {
            properties[field.jsonName] = .object(fieldSchema(field))
        }
        schema["properties"] = .object(properties)
        schema["additionalProperties"] = false
        var constraints: [JSONValue] = []
        for oneof in message.oneofs where !oneof.isSynthetic && oneof.fields.count > 1 {
            // Exactly one of: "member i is present" for each i, or "none is present".
            let present: [JSONValue] = oneof.fields.map { ["required": [.string($0.jsonName)]] }
            constraints.append(["oneOf": .array(present + [["not": ["anyOf": .array(present)]]])])
        }
        if !constraints.isEmpty { schema["allOf"] = .array(constraints) }
        return schema
    }

    /// A field's schema (list, map or single value) with the field's comments as description.
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

    private mutating func valueSchema(_ field: FieldDescriptor) -> JSONObject {
        switch field.type {
        case .message, .group:
            guard let type = field.messageType(in: set) else { return JSONObject() }
            if let wellKnown = type.wellKnownType { return Self.wellKnownSchema(wellKnown) }
            return reference(type)
        case .enum:
            guard let type = field.enumType(in: set) else { return ["type": ["string", "integer"]] }
            if type.fullName == WellKnownType.nullValueFullName { return ["type": "null"] }
            let names: JSONObject = ["type": "string", "enum": .array(type.values.map { .string($0.name) })]
            // Open enums write numbers they do not list as numbers; closed ones drop them.
            return type.isClosed ? names : ["anyOf": [.object(names), ["type": "integer"]]]
        default:
            return Self.scalarSchema(field.type)
        }
    }

    /// `$ref` to the message's `$defs` entry, building the entry on first use.
    private mutating func reference(_ message: MessageDescriptor) -> JSONObject {
        if definitionIndex[message.fullName] == nil {
            definitionIndex[message.fullName] = definitions.count
            definitions.append((message.fullName, nil))
            let schema = objectSchema(message)
            definitions[definitionIndex[message.fullName]!].schema = schema
        }
        return ["$ref": .string("#/$defs/" + JSONPointer.escape(message.fullName))]
    }

    /// Scalars as the codec writes them.
    static func scalarSchema(_ type: FieldDescriptor.FieldType) -> JSONObject {
        switch type {
        case .double, .float:
            // Numbers, or one of the three special strings (`pattern` only constrains strings).
            return ["type": ["number", "string"], "pattern": "^(NaN|-?Infinity)$"]
        case .int32, .sint32, .sfixed32:
            return ["type": "integer", "minimum": .int(Int32.min), "maximum": .int(Int32.max)]
        case .uint32, .fixed32:
            return ["type": "integer", "minimum": 0, "maximum": .int(UInt32.max)]
        case .int64, .sint64, .sfixed64:
            return ["type": "string", "pattern": "^-?(0|[1-9][0-9]*)$"]
        case .uint64, .fixed64:
            return ["type": "string", "pattern": "^(0|[1-9][0-9]*)$"]
        case .bool:
            return ["type": "boolean"]
        case .string:
            return ["type": "string"]
        case .bytes:
            return ["type": "string", "contentEncoding": "base64", "pattern": "^[A-Za-z0-9+/]*={0,2}$"]
        case .enum, .message, .group:
            return JSONObject()
        }
    }

    static func mapKeySchema(_ type: FieldDescriptor.FieldType) -> JSONObject {
        switch type {
        case .bool:
            return ["type": "string", "enum": ["true", "false"]]
        case .uint32, .fixed32, .uint64, .fixed64:
            return ["type": "string", "pattern": "^(0|[1-9][0-9]*)$"]
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            return ["type": "string", "pattern": "^-?(0|[1-9][0-9]*)$"]
        default:
            return ["type": "string"]
        }
    }

    /// The canonical output forms of the well-known types (never null: unset fields are absent).
    static func wellKnownSchema(_ type: WellKnownType) -> JSONObject {
        switch type {
        case .timestamp:
            return [
                "type": "string", "format": "date-time",
                "pattern": #"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3}|\.[0-9]{6}|\.[0-9]{9})?Z$"#,
            ]
        case .duration:
            return ["type": "string", "pattern": #"^-?[0-9]+(\.[0-9]{3}|\.[0-9]{6}|\.[0-9]{9})?s$"#]
        case .fieldMask:
            return ["type": "string"]
        case .struct:
            return ["type": "object"]
        case .value:
            return ["description": .string(MCPInputSchemaBuilder.valueDescription)]
        case .listValue:
            return ["type": "array"]
        case .any:
            return ["type": "object", "properties": ["@type": ["type": "string"]]]
        case .wrapper(let kind):
            return scalarSchema(kind)
        }
    }
}
