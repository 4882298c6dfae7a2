/// ProtoJSON scalar forms → values: numbers (or numeric strings) for numeric kinds, exact
/// 64-bit integers, `"NaN"`/`"Infinity"`/`"-Infinity"` for floats, base64 for bytes.
extension ProtoJSONEncoder {
    static func scalar(
        from json: JSONValue, _ type: FieldDescriptor.FieldType
    ) throws(ProtoJSONProblem) -> ProtobufScalar {
        switch type {
        case .double, .float:
            let text: String
            switch json {
            case .number(let number):
                text = number
            case .string(let string):
                switch string {
                case "NaN": return type == .double ? .double(.nan) : .float(.nan)
                case "Infinity": return type == .double ? .double(.infinity) : .float(.infinity)
                case "-Infinity": return type == .double ? .double(-.infinity) : .float(-.infinity)
                default:
                    guard ProtoJSONNumber.isNumberSyntax(string) else {
                        throw ProtoJSONProblem("expected number, got string")
                    }
                    text = string
                }
            default:
                throw ProtoJSONProblem("expected number, got \(json.kindName)")
            }
            if type == .double {
                guard let value = Double(text), value.isFinite else {
                    throw ProtoJSONProblem("value \(text) out of range for double")
                }
                return .double(value)
            }
            guard let value = Float(text), value.isFinite else {
                throw ProtoJSONProblem("value \(text) out of range for float")
            }
            return .float(value)

        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64, .uint32, .fixed32, .uint64, .fixed64:
            let text: String
            switch json {
            case .number(let number): text = number
            case .string(let string): text = string
            default: throw ProtoJSONProblem("expected integer, got \(json.kindName)")
            }
            switch ProtoJSONNumber.parseInteger(text) {
            case .invalid:
                throw ProtoJSONProblem("expected integer, got string")
            case .notInteger:
                throw ProtoJSONProblem("expected integer, got \(text)")
            case .overflow:
                throw ProtoJSONProblem("value \(text) out of range for \(type)")
            case .value(let negative, let magnitude):
                guard let value = integer(negative: negative, magnitude: magnitude, type) else {
                    throw ProtoJSONProblem("value \(text) out of range for \(type)")
                }
                return value
            }

        case .bool:
            guard case .bool(let value) = json else { throw ProtoJSONProblem("expected boolean, got \(json.kindName)") }
            return .bool(value)

        case .string:
            guard case .string(let value) = json else {
                throw ProtoJSONProblem("expected string, got \(json.kindName)")
            }
            return .string(value)

        case .bytes:
            guard case .string(let text) = json else {
                throw ProtoJSONProblem("expected base64 string, got \(json.kindName)")
            }
            guard let bytes = ProtoJSONBase64.decode(text) else { throw ProtoJSONProblem("invalid base64 string") }
            return .bytes(bytes)

        case .enum, .message, .group:
            throw ProtoJSONProblem("\(type) is not a scalar")
        }
    }

    /// A map key from its JSON text (`"true"`, `"-5"`, any string).
    static func mapKey(_ key: String, _ type: FieldDescriptor.FieldType) throws(ProtoJSONProblem) -> ProtobufScalar {
        switch type {
        case .string:
            return .string(key)
        case .bool:
            switch key {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw ProtoJSONProblem("invalid bool map key \(JSONWriter.quoted(key))")
            }
        default:
            guard case .value(let negative, let magnitude) = ProtoJSONNumber.parseInteger(key),
                let value = integer(negative: negative, magnitude: magnitude, type)
            else { throw ProtoJSONProblem("invalid \(type) map key \(JSONWriter.quoted(key))") }
            return value
        }
    }

    /// The integer as a value of `type`, if it is in range.
    static func integer(negative: Bool, magnitude: UInt64, _ type: FieldDescriptor.FieldType) -> ProtobufScalar? {
        switch type {
        case .int32, .sint32, .sfixed32:
            return int32(negative: negative, magnitude: magnitude).map { .int(Int64($0)) }
        case .int64, .sint64, .sfixed64:
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return .int(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return .int(Int64(magnitude))
        case .uint32, .fixed32:
            guard !negative || magnitude == 0, magnitude <= UInt64(UInt32.max) else { return nil }
            return .uint(magnitude)
        case .uint64, .fixed64:
            guard !negative || magnitude == 0 else { return nil }
            return .uint(magnitude)
        default:
            return nil
        }
    }

    static func int32(negative: Bool, magnitude: UInt64) -> Int32? {
        if negative {
            guard magnitude <= 0x8000_0000 else { return nil }
            return Int32(truncatingIfNeeded: 0 &- Int64(magnitude))
        }
        guard magnitude <= UInt64(Int32.max) else { return nil }
        return Int32(magnitude)
    }
}
