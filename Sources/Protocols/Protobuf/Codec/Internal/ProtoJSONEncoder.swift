/// ProtoJSON → binary. Fields are gathered first (checking names, duplicates and oneofs),
/// then written in field-number order; nested messages are encoded into their own buffer
/// and length-prefixed.
struct ProtoJSONEncoder {
    let set: DescriptorSet
    let options: ProtoJSONOptions
    let maximumDepth = ProtobufLimits.defaultMaximumDepth
    var path = ProtoJSONPath()

    init(set: DescriptorSet, options: ProtoJSONOptions) {
        self.set = set
        self.options = options
    }

    mutating func encode(
        _ json: JSONValue, _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> [UInt8] {
        var writer = ProtobufWireWriter()
        try encode(json, message, depth: depth, into: &writer)
        return writer.bytes
    }

    mutating func encode(
        _ json: JSONValue, _ message: MessageDescriptor, depth: Int, into writer: inout ProtobufWireWriter
    ) throws(ProtobufCodecError) {
        guard depth <= maximumDepth else {
            throw error(.nestingTooDeep, "messages nested deeper than \(maximumDepth) levels")
        }
        if let wellKnown = message.wellKnownType {
            try encodeWellKnown(wellKnown, json, message, depth: depth, into: &writer)
            return
        }
        guard case .object(let object) = json else {
            throw error(.invalidJSON, "expected object, got \(json.kindName)")
        }
        let count = message.fields.count
        var values = [JSONValue?](repeating: nil, count: count)
        var keys = [String?](repeating: nil, count: count)
        var oneofMembers = [Int](repeating: -1, count: message.oneofs.count)
        for (key, value) in object {
            guard let field = message.field(jsonKey: key) else {
                if options.ignoreUnknownFields { continue }
                throw error(.unknownField, "unknown field \(JSONWriter.quoted(key)) in \(message.fullName)")
            }
            let i = field.declarationIndex
            if let previous = keys[i] {
                throw error(
                    .invalidJSON,
                    "field \(field.name) is given twice, as \(JSONWriter.quoted(previous)) and \(JSONWriter.quoted(key))"
                )
            }
            keys[i] = key
            if let o = field.oneofIndex, o >= 0, o < message.oneofs.count, !message.oneofs[o].isSynthetic {
                // A null member counts as absent, except where null is a value (Value, NullValue).
                if value.isNull, !Self.nullIsValue(field) { continue }
                let previous = oneofMembers[o]
                if previous >= 0, previous != i {
                    throw error(
                        .invalidJSON,
                        "oneof \(message.oneofs[o].name) has more than one member set: "
                            + "\(JSONWriter.quoted(keys[previous] ?? "")) and \(JSONWriter.quoted(key))")
                }
                oneofMembers[o] = i
            }
            values[i] = value
        }
        for field in message.requiredFields {
            let value = values[field.declarationIndex]
            if value == nil || value == .null {
                throw error(.missingRequiredField, "required field \(field.fullName) is missing")
            }
        }
        for field in message.fieldsByNumber {
            guard let value = values[field.declarationIndex] else { continue }
            path.push(.field(keys[field.declarationIndex] ?? field.jsonName))
            try encodeField(field, value, depth: depth, into: &writer)
            path.pop()
        }
    }

    private mutating func encodeField(
        _ field: FieldDescriptor, _ value: JSONValue, depth: Int, into writer: inout ProtobufWireWriter
    ) throws(ProtobufCodecError) {
        if let keyField = field.mapKey, let valueField = field.mapValue {
            if value.isNull { return }
            guard case .object(let entries) = value else {
                throw error(.invalidJSON, "expected object, got \(value.kindName)")
            }
            for (key, item) in entries {
                path.push(.key(key))
                let mapKey = try invalid { () throws(ProtoJSONProblem) -> ProtobufScalar in
                    try Self.mapKey(key, keyField.type)
                }
                var entry = ProtobufWireWriter()
                entry.writeTag(1, keyField.type.wireType)
                mapKey.write(as: keyField.type, to: &entry)
                if valueField.isMessage {
                    let type = try messageType(valueField)
                    if item.isNull, type.fullName != WellKnownType.valueFullName {
                        throw error(.invalidJSON, "map value must not be null")
                    }
                    try writeMessage(2, .message, item, type, depth: depth, into: &entry)
                } else {
                    guard let scalar = try scalar(item, valueField, nullMessage: "map value must not be null") else {
                        path.pop()
                        continue
                    }
                    entry.writeTag(2, valueField.type.wireType)
                    scalar.write(as: valueField.type, to: &entry)
                }
                writer.writeTag(field.number, .lengthDelimited)
                writer.writeLengthDelimited(entry.bytes)
                path.pop()
            }
            return
        }
        if field.label == .repeated {
            if value.isNull { return }
            guard case .array(let items) = value else {
                throw error(.invalidJSON, "expected array, got \(value.kindName)")
            }
            if field.isMessage {
                let type = try messageType(field)
                for (i, item) in items.enumerated() {
                    path.push(.index(i))
                    if item.isNull, type.fullName != WellKnownType.valueFullName {
                        throw error(.invalidJSON, "list item must not be null")
                    }
                    try writeMessage(field.number, field.type, item, type, depth: depth, into: &writer)
                    path.pop()
                }
                return
            }
            var scalars: [ProtobufScalar] = []
            scalars.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                path.push(.index(i))
                if let scalar = try scalar(item, field, nullMessage: "list item must not be null") {
                    scalars.append(scalar)
                }
                path.pop()
            }
            if field.isPacked {
                guard !scalars.isEmpty else { return }
                var packed = ProtobufWireWriter()
                for scalar in scalars { scalar.write(as: field.type, to: &packed) }
                writer.writeTag(field.number, .lengthDelimited)
                writer.writeLengthDelimited(packed.bytes)
            } else {
                for scalar in scalars {
                    writer.writeTag(field.number, field.type.wireType)
                    scalar.write(as: field.type, to: &writer)
                }
            }
            return
        }
        if field.isMessage {
            let type = try messageType(field)
            if value.isNull, type.fullName != WellKnownType.valueFullName { return }
            try writeMessage(field.number, field.type, value, type, depth: depth, into: &writer)
            return
        }
        guard let scalar = try scalar(value, field, nullMessage: nil) else { return }
        if !field.hasPresence, scalar.isZero { return }
        writer.writeTag(field.number, field.type.wireType)
        scalar.write(as: field.type, to: &writer)
    }

    /// A nested message as a length-delimited field, or a group.
    private mutating func writeMessage(
        _ number: Int, _ kind: FieldDescriptor.FieldType, _ json: JSONValue, _ type: MessageDescriptor, depth: Int,
        into writer: inout ProtobufWireWriter
    ) throws(ProtobufCodecError) {
        var nested = ProtobufWireWriter()
        try encode(json, type, depth: depth + 1, into: &nested)
        if kind == .group {
            writer.writeTag(number, .startGroup)
            writer.writeRaw(nested.bytes)
            writer.writeTag(number, .endGroup)
        } else {
            writer.writeTag(number, .lengthDelimited)
            writer.writeLengthDelimited(nested.bytes)
        }
    }

    /// The value of a scalar or enum field; nil for "unset" (null outside lists and maps, or
    /// an unknown enum name under `ignoreUnknownFields`). `nullMessage` is the error for null
    /// in a list or map.
    private func scalar(
        _ json: JSONValue, _ field: FieldDescriptor, nullMessage: String?
    ) throws(ProtobufCodecError) -> ProtobufScalar? {
        if field.type == .enum {
            let type = field.enumType(in: set)
            if json.isNull {
                if type?.fullName == WellKnownType.nullValueFullName { return .enumNumber(0) }
                if let nullMessage { throw error(.invalidJSON, nullMessage) }
                return nil
            }
            return try enumNumber(json, type, field).map(ProtobufScalar.enumNumber)
        }
        if json.isNull {
            if let nullMessage { throw error(.invalidJSON, nullMessage) }
            return nil
        }
        return try invalid { () throws(ProtoJSONProblem) -> ProtobufScalar in try Self.scalar(from: json, field.type) }
    }

    private func enumNumber(
        _ json: JSONValue, _ type: EnumDescriptor?, _ field: FieldDescriptor
    ) throws(ProtobufCodecError) -> Int32? {
        switch json {
        case .string(let name):
            guard let type else {
                throw error(.unknownType, "enum type \(field.typeName) is not in the descriptor set")
            }
            if let value = type.value(named: name) { return value.number }
            if options.ignoreUnknownFields { return nil }
            throw error(.invalidJSON, "unknown value \(JSONWriter.quoted(name)) for enum \(type.fullName)")
        case .number(let text):
            guard case .value(let negative, let magnitude) = ProtoJSONNumber.parseInteger(text),
                let number = Self.int32(negative: negative, magnitude: magnitude)
            else { throw error(.invalidJSON, "invalid value \(text) for enum \(field.typeName)") }
            if let type, type.isClosed, type.value(number: number) == nil {
                if options.ignoreUnknownFields { return nil }
                throw error(.invalidJSON, "\(number) is not a value of closed enum \(type.fullName)")
            }
            return number
        default:
            throw error(.invalidJSON, "expected enum name or number, got \(json.kindName)")
        }
    }

    // MARK: Helpers

    func messageType(_ field: FieldDescriptor) throws(ProtobufCodecError) -> MessageDescriptor {
        guard let type = field.messageType(in: set) else {
            throw error(
                .unknownType, "message type \(field.typeName) of \(field.fullName) is not in the descriptor set")
        }
        return type
    }

    func error(_ code: ProtobufCodecError.Code, _ message: String) -> ProtobufCodecError {
        ProtobufCodecError(code, message, path: path.rendered)
    }

    /// Runs a conversion, turning its problem into an `invalidJSON` error at the current path.
    func invalid<T>(_ body: () throws(ProtoJSONProblem) -> T) throws(ProtobufCodecError) -> T {
        do throws(ProtoJSONProblem) {
            return try body()
        } catch {
            throw self.error(.invalidJSON, error.message)
        }
    }

    static func nullIsValue(_ field: FieldDescriptor) -> Bool {
        field.typeName == WellKnownType.valueFullName || field.typeName == WellKnownType.nullValueFullName
    }
}
