/// Binary → the special ProtoJSON forms of the well-known types.
extension ProtoJSONDecoder {
    mutating func decodeWellKnown(
        _ type: WellKnownType, _ bytes: [UInt8], _ range: Range<Int>, _ message: MessageDescriptor, depth: Int
    ) throws(ProtobufCodecError) -> JSONValue {
        let slots = try collect(bytes, range, message, depth: depth)
        func slot(_ number: Int) -> Slot? {
            message.field(number: number).flatMap { slots[$0.declarationIndex] }
        }
        switch type {
        case .timestamp, .duration:
            let seconds: Int64 = if case .scalar(.int(let v)) = slot(1) { v } else { 0 }
            let nanos: Int32 = if case .scalar(.int(let v)) = slot(2) { Int32(truncatingIfNeeded: v) } else { 0 }
            return .string(
                try converting {
                    () throws(ProtoJSONProblem) -> String in
                    type == .timestamp
                        ? try ProtoJSONTime.formatTimestamp(seconds: seconds, nanos: nanos)
                        : try ProtoJSONTime.formatDuration(seconds: seconds, nanos: nanos)
                })

        case .fieldMask:
            var paths: [String] = []
            if case .scalars(let values) = slot(1) {
                for case .string(let path) in values { paths.append(path) }
            }
            return .string(
                try converting { () throws(ProtoJSONProblem) -> String in try ProtoJSONFieldMask.format(paths) })

        case .wrapper:
            guard let field = message.field(number: 1) else { return .null }
            if case .scalar(let value) = slot(1) { return try scalarJSON(value, field) }
            return try scalarJSON(.zero(field.type), field)

        case .struct:
            guard let field = message.field(number: 1), let valueField = field.mapValue,
                case .map(let entries) = slot(1)
            else { return .object(JSONObject()) }
            let valueType = try messageType(valueField)
            var object = JSONObject()
            for (key, value) in zip(entries.keys, entries.values) {
                guard case .message(let parts) = value else { continue }
                path.push(.key(key))
                object.appendUnchecked(key, try decodeParts(bytes, parts, valueType, depth: depth + 1))
                path.pop()
            }
            return .object(object)

        case .value:
            for field in message.fieldsByNumber {
                guard let value = slots[field.declarationIndex] else { continue }
                switch value {
                case .scalar(.enumNumber):
                    return .null
                case .scalar(.double(let number)):
                    guard number.isFinite else {
                        throw error(
                            .notRepresentable,
                            "google.protobuf.Value cannot hold \(number) (JSON has no NaN or Infinity)")
                    }
                    return .number(ProtoJSONNumber.format(number))
                case .scalar(let scalar):
                    return try scalarJSON(scalar, field)
                case .message(let parts):
                    return try decodeParts(bytes, parts, messageType(field), depth: depth + 1)
                default:
                    continue
                }
            }
            throw error(.notRepresentable, "google.protobuf.Value has no value set")

        case .listValue:
            guard let field = message.field(number: 1), case .messages(let ranges) = slot(1) else { return .array([]) }
            let valueType = try messageType(field)
            var array: [JSONValue] = []
            for (i, range) in ranges.enumerated() {
                path.push(.index(i))
                array.append(try decode(bytes, range, valueType, depth: depth + 1))
                path.pop()
            }
            return .array(array)

        case .any:
            let typeURL: String = if case .scalar(.string(let v)) = slot(1) { v } else { "" }
            let payload: [UInt8] = if case .scalar(.bytes(let v)) = slot(2) { v } else { [] }
            if typeURL.isEmpty { return .object(JSONObject()) }
            let typeName = typeURL.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
            guard !typeName.isEmpty, let inner = set.message(fullName: typeName) else {
                throw error(
                    .unknownType,
                    "cannot resolve the Any type URL \(JSONWriter.quoted(typeURL)): not in the descriptor set")
            }
            let json = try decode(payload, 0..<payload.count, inner, depth: depth + 1)
            var object = JSONObject()
            object.appendUnchecked("@type", .string(typeURL))
            // Only the types with a JSON form of their own go under "value"; every other message
            // (google.protobuf.Empty included) has its fields next to "@type".
            if case .object(let fields) = json, inner.wellKnownType == nil {
                for (key, value) in fields { object.appendUnchecked(key, value) }
            } else {
                object.appendUnchecked("value", json)
            }
            return .object(object)
        }
    }

    /// Runs a conversion, turning its problem into a `notRepresentable` error at the current path.
    func converting<T>(_ body: () throws(ProtoJSONProblem) -> T) throws(ProtobufCodecError) -> T {
        do throws(ProtoJSONProblem) {
            return try body()
        } catch {
            throw self.error(.notRepresentable, error.message)
        }
    }
}
