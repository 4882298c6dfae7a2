/// Binary → ProtoJSON, and structural validation of binary messages.
///
/// Each message is read in two steps. ``collect(_:_:_:depth:)`` walks the wire data once and
/// files every known field into a slot (last value wins for scalars, occurrences of a
/// singular message are kept as byte ranges to be merged, lists and maps accumulate, a new
/// oneof member clears the previous one). Rendering then writes the slots in field-number
/// order, decoding nested messages from their ranges; several ranges of one field are
/// concatenated first, which is exactly protobuf's merge semantics.
struct ProtoJSONDecoder {
    /// What a field received.
    enum Slot {
        case scalar(ProtobufScalar)
        /// A singular message or group: every occurrence, to be merged.
        case message([Range<Int>])
        case scalars([ProtobufScalar])
        case messages([Range<Int>])
        case map(MapEntries)
    }

    enum MapValue {
        case scalar(ProtobufScalar)
        case message([Range<Int>])
    }

    /// Map entries in first-seen key order; a repeated key replaces the value.
    struct MapEntries {
        private(set) var keys: [String] = []
        private(set) var values: [MapValue] = []
        private var indexByKey: [String: Int] = [:]

        mutating func set(_ key: String, _ value: MapValue) {
            if let i = indexByKey[key] {
                values[i] = value
            } else {
                indexByKey[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
    }

    let set: DescriptorSet
    let options: ProtoJSONOptions
    let maximumDepth = ProtobufLimits.defaultMaximumDepth
    var path = ProtoJSONPath()

    init(set: DescriptorSet, options: ProtoJSONOptions) {
        self.set = set
        self.options = options
    }

    // MARK: Rendering

    mutating func decode(
        _ bytes: [UInt8], _ range: Range<Int>, _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> JSONValue {
        guard depth <= maximumDepth else {
            throw error(.nestingTooDeep, "messages nested deeper than \(maximumDepth) levels")
        }
        if let wellKnown = message.wellKnownType {
            return try decodeWellKnown(wellKnown, bytes, range, message, depth: depth)
        }
        let slots = try collect(bytes, range, message, depth: depth)
        var object = JSONObject()
        for field in message.fieldsByNumber {
            let key = options.useProtoNames ? field.name : field.jsonName
            guard let slot = slots[field.declarationIndex] else {
                if field.label == .required {
                    path.push(.field(key))
                    throw error(.missingRequiredField, "required field \(field.fullName) is not set")
                }
                if options.emitDefaults, let value = try defaultJSON(field) { object.appendUnchecked(key, value) }
                continue
            }
            path.push(.field(key))
            switch slot {
            case .scalar(let value):
                if field.hasPresence || !value.isZero || options.emitDefaults {
                    object.appendUnchecked(key, try scalarJSON(value, field))
                }
            case .message(let parts):
                object.appendUnchecked(key, try decodeParts(bytes, parts, messageType(field), depth: depth + 1))
            case .scalars(let values):
                if !values.isEmpty || options.emitDefaults {
                    var array: [JSONValue] = []
                    array.reserveCapacity(values.count)
                    for value in values { array.append(try scalarJSON(value, field)) }
                    object.appendUnchecked(key, .array(array))
                }
            case .messages(let ranges):
                let type = try messageType(field)
                var array: [JSONValue] = []
                array.reserveCapacity(ranges.count)
                for (i, range) in ranges.enumerated() {
                    path.push(.index(i))
                    array.append(try decode(bytes, range, type, depth: depth + 1))
                    path.pop()
                }
                object.appendUnchecked(key, .array(array))
            case .map(let entries):
                object.appendUnchecked(key, .object(try mapJSON(bytes, entries, field, depth: depth)))
            }
            path.pop()
        }
        return .object(object)
    }

    /// A singular message from all its occurrences (none: the empty message).
    mutating func decodeParts(
        _ bytes: [UInt8], _ parts: [Range<Int>], _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> JSONValue {
        switch parts.count {
        case 0: return try decode([], 0..<0, message, depth: depth)
        case 1: return try decode(bytes, parts[0], message, depth: depth)
        default:
            var merged: [UInt8] = []
            for part in parts { merged += bytes[part] }
            return try decode(merged, 0..<merged.count, message, depth: depth)
        }
    }

    private mutating func mapJSON(
        _ bytes: [UInt8], _ entries: MapEntries, _ field: FieldDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> JSONObject {
        guard let valueField = field.mapValue else { return JSONObject() }
        let valueType = valueField.isMessage ? try messageType(valueField) : nil
        var object = JSONObject()
        for (key, value) in zip(entries.keys, entries.values) {
            path.push(.key(key))
            switch value {
            case .scalar(let scalar): object.appendUnchecked(key, try scalarJSON(scalar, valueField))
            case .message(let parts):
                object.appendUnchecked(key, try decodeParts(bytes, parts, valueType!, depth: depth + 1))
            }
            path.pop()
        }
        return object
    }

    /// What `emitDefaults` writes for an absent field: nothing for fields with presence.
    private func defaultJSON(_ field: FieldDescriptor) throws(ProtobufCodecError) -> JSONValue? {
        if field.isMap { return .object(JSONObject()) }
        if field.isList { return .array([]) }
        if field.hasPresence { return nil }
        if field.type == .enum { return try scalarJSON(.enumNumber(enumType(field)?.defaultNumber ?? 0), field) }
        return try scalarJSON(.zero(field.type), field)
    }

    func scalarJSON(_ value: ProtobufScalar, _ field: FieldDescriptor) throws(ProtobufCodecError) -> JSONValue {
        switch value {
        case .int(let v): return field.type.is64BitInteger ? .string(String(v)) : .number(String(v))
        case .uint(let v): return field.type.is64BitInteger ? .string(String(v)) : .number(String(v))
        case .double(let v):
            if v.isNaN { return .string("NaN") }
            if v.isInfinite { return .string(v < 0 ? "-Infinity" : "Infinity") }
            return .number(ProtoJSONNumber.format(v))
        case .float(let v):
            if v.isNaN { return .string("NaN") }
            if v.isInfinite { return .string(v < 0 ? "-Infinity" : "Infinity") }
            return .number(ProtoJSONNumber.format(v))
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .bytes(let v): return .string(ProtoJSONBase64.encode(v))
        case .enumNumber(let number):
            guard let type = enumType(field) else { return .number(String(number)) }
            if type.fullName == WellKnownType.nullValueFullName { return .null }
            if let value = type.value(number: number) { return .string(value.name) }
            return .number(String(number))
        }
    }

    // MARK: Types

    func messageType(_ field: FieldDescriptor) throws(ProtobufCodecError) -> MessageDescriptor {
        guard let type = field.messageType(in: set) else {
            throw error(
                .unknownType, "message type \(field.typeName) of \(field.fullName) is not in the descriptor set")
        }
        return type
    }

    func enumType(_ field: FieldDescriptor) -> EnumDescriptor? {
        field.enumType(in: set)
    }

    func error(_ code: ProtobufCodecError.Code, _ message: String) -> ProtobufCodecError {
        ProtobufCodecError(code, message, path: path.rendered)
    }

    // MARK: Validation

    /// Walks the message like ``decode(_:_:_:depth:)`` without building JSON.
    mutating func validate(
        _ bytes: [UInt8], _ range: Range<Int>, _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) {
        guard depth <= maximumDepth else {
            throw error(.nestingTooDeep, "messages nested deeper than \(maximumDepth) levels")
        }
        let slots = try collect(bytes, range, message, depth: depth)
        for field in message.fields {
            guard let slot = slots[field.declarationIndex] else {
                if field.label == .required {
                    path.push(.field(field.jsonName))
                    throw error(.missingRequiredField, "required field \(field.fullName) is not set")
                }
                continue
            }
            path.push(.field(field.jsonName))
            switch slot {
            case .scalar, .scalars:
                break
            case .message(let parts):
                let type = try messageType(field)
                for part in parts { try validate(bytes, part, type, depth: depth + 1) }
            case .messages(let ranges):
                let type = try messageType(field)
                for (i, range) in ranges.enumerated() {
                    path.push(.index(i))
                    try validate(bytes, range, type, depth: depth + 1)
                    path.pop()
                }
            case .map(let entries):
                guard let valueField = field.mapValue, valueField.isMessage else { break }
                let type = try messageType(valueField)
                for (key, value) in zip(entries.keys, entries.values) {
                    guard case .message(let parts) = value else { continue }
                    path.push(.key(key))
                    for part in parts { try validate(bytes, part, type, depth: depth + 1) }
                    path.pop()
                }
            }
            path.pop()
        }
    }

    // MARK: Collecting fields

    /// Reads one message's fields into slots indexed by declaration index.
    mutating func collect(
        _ bytes: [UInt8], _ range: Range<Int>, _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> [Slot?] {
        var reader = ProtobufWireReader(bytes, range: range, depth: depth, maximumDepth: maximumDepth)
        var slots = [Slot?](repeating: nil, count: message.fields.count)
        var oneofCases = [Int](repeating: -1, count: message.oneofs.count)
        var current: FieldDescriptor?
        do throws(ProtobufDecodeError) {
            while !reader.isAtEnd {
                current = nil
                let tag = try reader.readTag()
                guard tag.wireType != .endGroup, let field = message.field(number: tag.fieldNumber) else {
                    try reader.skipField(tag)
                    continue
                }
                current = field
                try readField(field, tag, &reader, &slots, &oneofCases)
            }
        } catch {
            if let current { path.push(.field(options.useProtoNames ? current.name : current.jsonName)) }
            let code: ProtobufCodecError.Code = error.code == .nestingTooDeep ? .nestingTooDeep : .malformedBinary
            throw ProtobufCodecError(code, error.description, path: path.rendered)
        }
        return slots
    }

    private func readField(
        _ field: FieldDescriptor, _ tag: ProtobufTag, _ reader: inout ProtobufWireReader, _ slots: inout [Slot?],
        _ oneofCases: inout [Int]
    ) throws(ProtobufDecodeError) {
        let index = field.declarationIndex
        if let keyField = field.mapKey, let valueField = field.mapValue {
            try expect(tag, .lengthDelimited, field, reader)
            guard let (key, value) = try readMapEntry(keyField, valueField, &reader) else { return }
            var entries = MapEntries()
            if case .map(let existing) = slots[index] {
                entries = existing
                slots[index] = nil  // keep `entries` uniquely referenced
            }
            entries.set(key.mapKeyText, value)
            slots[index] = .map(entries)
            return
        }
        if field.label == .repeated {
            if field.isMessage {
                try expect(tag, field.type.wireType, field, reader)
                let range = try readMessageRange(field, tag, &reader)
                var items: [Range<Int>] = []
                if case .messages(let existing) = slots[index] {
                    items = existing
                    slots[index] = nil
                }
                items.append(range)
                slots[index] = .messages(items)
                return
            }
            var values: [ProtobufScalar] = []
            if case .scalars(let existing) = slots[index] {
                values = existing
                slots[index] = nil
            }
            if tag.wireType == .lengthDelimited, field.type.isPackable {
                let range = try reader.readLengthDelimited()
                var packed = ProtobufWireReader(
                    reader.bytes, range: range, depth: reader.depth, maximumDepth: reader.maximumDepth)
                while !packed.isAtEnd {
                    let value = try ProtobufScalar.read(field.type, from: &packed)
                    if !isRejectedEnumValue(value, field) { values.append(value) }
                }
            } else {
                try expect(tag, field.type.wireType, field, reader)
                let value = try ProtobufScalar.read(field.type, from: &reader)
                if !isRejectedEnumValue(value, field) { values.append(value) }
            }
            slots[index] = .scalars(values)
            return
        }
        try expect(tag, field.type.wireType, field, reader)
        if field.isMessage {
            let range = try readMessageRange(field, tag, &reader)
            switchOneof(field, &slots, &oneofCases)
            var parts: [Range<Int>] = []
            if case .message(let existing) = slots[index] {
                parts = existing
                slots[index] = nil
            }
            parts.append(range)
            slots[index] = .message(parts)
        } else {
            let value = try ProtobufScalar.read(field.type, from: &reader)
            // A closed enum's unlisted value is an unknown field: it leaves the field as it was.
            if isRejectedEnumValue(value, field) { return }
            switchOneof(field, &slots, &oneofCases)
            slots[index] = .scalar(value)
        }
    }

    /// Setting a oneof member clears the member set before it.
    private func switchOneof(_ field: FieldDescriptor, _ slots: inout [Slot?], _ oneofCases: inout [Int]) {
        guard let oneof = field.oneofIndex, oneof >= 0, oneof < oneofCases.count else { return }
        let previous = oneofCases[oneof]
        if previous != field.declarationIndex {
            if previous >= 0 { slots[previous] = nil }
            oneofCases[oneof] = field.declarationIndex
        }
    }

    private func readMessageRange(
        _ field: FieldDescriptor, _ tag: ProtobufTag, _ reader: inout ProtobufWireReader
    ) throws(ProtobufDecodeError) -> Range<Int> {
        tag.wireType == .startGroup
            ? try reader.readGroup(fieldNumber: tag.fieldNumber) : try reader.readLengthDelimited()
    }

    /// Key and value of one map entry (absent parts are zero); nil when a closed enum value
    /// is not listed (the entry is then an unknown field).
    private func readMapEntry(
        _ keyField: FieldDescriptor, _ valueField: FieldDescriptor, _ reader: inout ProtobufWireReader
    ) throws(ProtobufDecodeError) -> (ProtobufScalar, MapValue)? {
        var entry = try reader.readMessageReader()
        var key = ProtobufScalar.zero(keyField.type)
        var value: MapValue?
        var rejected = false
        while !entry.isAtEnd {
            let tag = try entry.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, keyField.type.wireType, keyField, entry)
                key = try ProtobufScalar.read(keyField.type, from: &entry)
            case 2 where valueField.isMessage:
                try expect(tag, .lengthDelimited, valueField, entry)
                let range = try entry.readLengthDelimited()
                if case .message(let parts) = value {
                    value = .message(parts + [range])
                } else {
                    value = .message([range])
                }
            case 2:
                try expect(tag, valueField.type.wireType, valueField, entry)
                let scalar = try ProtobufScalar.read(valueField.type, from: &entry)
                rejected = isRejectedEnumValue(scalar, valueField)
                value = .scalar(scalar)
            default:
                try entry.skipField(tag)
            }
        }
        if rejected { return nil }
        if let value { return (key, value) }
        if valueField.isMessage { return (key, .message([])) }
        if valueField.type == .enum { return (key, .scalar(.enumNumber(enumType(valueField)?.defaultNumber ?? 0))) }
        return (key, .scalar(.zero(valueField.type)))
    }

    private func isRejectedEnumValue(_ value: ProtobufScalar, _ field: FieldDescriptor) -> Bool {
        guard case .enumNumber(let number) = value, let type = enumType(field), type.isClosed else { return false }
        return type.value(number: number) == nil
    }

    private func expect(
        _ tag: ProtobufTag, _ wireType: ProtobufWireType, _ field: FieldDescriptor, _ reader: ProtobufWireReader
    ) throws(ProtobufDecodeError) {
        guard tag.wireType == wireType else {
            let tagSize = ProtobufWireWriter.varintSize(UInt64(tag.fieldNumber) << 3)
            throw ProtobufDecodeError(
                .wrongWireType,
                "field \(field.number) (\(field.fullName)) has wire type \(tag.wireType), expected \(wireType)",
                offset: max(reader.offset - tagSize, 0))
        }
    }
}
