/// The special ProtoJSON forms of the well-known types → binary.
extension ProtoJSONEncoder {
    mutating func encodeWellKnown(
        _ type: WellKnownType, _ json: JSONValue, _ message: MessageDescriptor, depth: Int,
        into writer: inout ProtobufWireWriter
    ) throws(ProtobufCodecError) {
        switch type {
        case .timestamp, .duration:
            guard case .string(let text) = json else {
                let expected = type == .timestamp ? "an RFC 3339 timestamp string" : #"a duration string like "1.5s""#
                throw error(.invalidJSON, "expected \(expected), got \(json.kindName)")
            }
            let (seconds, nanos) = try invalid { () throws(ProtoJSONProblem) -> (seconds: Int64, nanos: Int32) in
                type == .timestamp ? try ProtoJSONTime.parseTimestamp(text) : try ProtoJSONTime.parseDuration(text)
            }
            if seconds != 0 {
                writer.writeTag(1, .varint)
                writer.writeInt64(seconds)
            }
            if nanos != 0 {
                writer.writeTag(2, .varint)
                writer.writeInt32(nanos)
            }

        case .fieldMask:
            guard case .string(let text) = json else {
                throw error(.invalidJSON, "expected a comma-separated field mask string, got \(json.kindName)")
            }
            for path in try invalid({ () throws(ProtoJSONProblem) -> [String] in try ProtoJSONFieldMask.parse(text) }) {
                writer.writeTag(1, .lengthDelimited)
                writer.writeString(path)
            }

        case .wrapper:
            guard !json.isNull, let field = message.field(number: 1) else { return }
            let value = try invalid { () throws(ProtoJSONProblem) -> ProtobufScalar in
                try Self.scalar(from: json, field.type)
            }
            if !value.isZero {
                writer.writeTag(1, field.type.wireType)
                value.write(as: field.type, to: &writer)
            }

        case .struct:
            guard case .object(let object) = json else {
                throw error(.invalidJSON, "expected object, got \(json.kindName)")
            }
            guard let valueField = message.field(number: 1)?.mapValue else { return }
            let valueType = try messageType(valueField)
            for (key, value) in object {
                path.push(.key(key))
                var entry = ProtobufWireWriter()
                entry.writeTag(1, .lengthDelimited)
                entry.writeString(key)
                var nested = ProtobufWireWriter()
                try encode(value, valueType, depth: depth + 1, into: &nested)
                entry.writeTag(2, .lengthDelimited)
                entry.writeLengthDelimited(nested.bytes)
                writer.writeTag(1, .lengthDelimited)
                writer.writeLengthDelimited(entry.bytes)
                path.pop()
            }

        case .value:
            switch json {
            case .null:
                writer.writeTag(1, .varint)
                writer.writeVarint(0)
            case .number(let text):
                guard let number = Double(text), number.isFinite else {
                    throw error(.invalidJSON, "value \(text) out of range for double")
                }
                writer.writeTag(2, .fixed64)
                writer.writeDouble(number)
            case .string(let text):
                writer.writeTag(3, .lengthDelimited)
                writer.writeString(text)
            case .bool(let flag):
                writer.writeTag(4, .varint)
                writer.writeBool(flag)
            case .object:
                try writeNested(json, in: message, number: 5, depth: depth, into: &writer)
            case .array:
                try writeNested(json, in: message, number: 6, depth: depth, into: &writer)
            }

        case .listValue:
            guard case .array(let items) = json else {
                throw error(.invalidJSON, "expected array, got \(json.kindName)")
            }
            guard let field = message.field(number: 1) else { return }
            let valueType = try messageType(field)
            for (i, item) in items.enumerated() {
                path.push(.index(i))
                var nested = ProtobufWireWriter()
                try encode(item, valueType, depth: depth + 1, into: &nested)
                writer.writeTag(1, .lengthDelimited)
                writer.writeLengthDelimited(nested.bytes)
                path.pop()
            }

        case .any:
            guard case .object(let object) = json else {
                throw error(.invalidJSON, "expected object, got \(json.kindName)")
            }
            if object.isEmpty { return }
            guard case .string(let typeURL)? = object["@type"], !typeURL.isEmpty else {
                throw error(.invalidJSON, #"google.protobuf.Any needs a non-empty "@type""#)
            }
            let typeName = typeURL.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            guard !typeName.isEmpty, let inner = set.message(fullName: typeName) else {
                throw error(
                    .unknownType,
                    "cannot resolve the Any type URL \(JSONWriter.quoted(typeURL)): not in the descriptor set")
            }
            var payload = ProtobufWireWriter()
            if inner.wellKnownType != nil {
                // A type with its own JSON form travels as {"@type": …, "value": <that form>}.
                for key in object.keys where key != "@type" && key != "value" {
                    throw error(.unknownField, "unknown field \(JSONWriter.quoted(key)) in google.protobuf.Any")
                }
                guard let value = object["value"] else {
                    throw error(.invalidJSON, #"google.protobuf.Any of type \#(inner.fullName) needs a "value""#)
                }
                path.push(.field("value"))
                try encode(value, inner, depth: depth + 1, into: &payload)
                path.pop()
            } else {
                var fields = object
                fields["@type"] = nil
                try encode(.object(fields), inner, depth: depth + 1, into: &payload)
            }
            writer.writeTag(1, .lengthDelimited)
            writer.writeString(typeURL)
            if payload.count > 0 {
                writer.writeTag(2, .lengthDelimited)
                writer.writeLengthDelimited(payload.bytes)
            }
        }
    }

    /// Value's `struct_value` (5) or `list_value` (6).
    private mutating func writeNested(
        _ json: JSONValue, in message: MessageDescriptor, number: Int, depth: Int, into writer: inout ProtobufWireWriter
    ) throws(ProtobufCodecError) {
        guard let field = message.field(number: number) else { return }
        let type = try messageType(field)
        var nested = ProtobufWireWriter()
        try encode(json, type, depth: depth + 1, into: &nested)
        writer.writeTag(number, .lengthDelimited)
        writer.writeLengthDelimited(nested.bytes)
    }
}
