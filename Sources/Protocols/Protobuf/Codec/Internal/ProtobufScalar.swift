/// One decoded scalar or enum value, before it becomes JSON (or after it was read from JSON).
enum ProtobufScalar {
    /// int32, int64, sint32, sint64, sfixed32, sfixed64.
    case int(Int64)
    /// uint32, uint64, fixed32, fixed64.
    case uint(UInt64)
    case double(Double)
    case float(Float)
    case bool(Bool)
    case string(String)
    case bytes([UInt8])
    case enumNumber(Int32)

    /// Reads a value of `type` (not message or group) whose wire type was checked.
    static func read(
        _ type: FieldDescriptor.FieldType, from reader: inout ProtobufWireReader
    ) throws(ProtobufDecodeError) -> ProtobufScalar {
        switch type {
        case .double: .double(try reader.readDouble())
        case .float: .float(try reader.readFloat())
        case .int64: .int(try reader.readInt64())
        case .sint64: .int(try reader.readSInt64())
        case .sfixed64: .int(try reader.readSFixed64())
        case .int32: .int(Int64(try reader.readInt32()))
        case .sint32: .int(Int64(try reader.readSInt32()))
        case .sfixed32: .int(Int64(try reader.readSFixed32()))
        case .uint64: .uint(try reader.readUInt64())
        case .fixed64: .uint(try reader.readFixed64())
        case .uint32: .uint(UInt64(try reader.readUInt32()))
        case .fixed32: .uint(UInt64(try reader.readFixed32()))
        case .bool: .bool(try reader.readBool())
        case .string: .string(try reader.readString())
        case .bytes: .bytes(try reader.readBytes())
        case .enum: .enumNumber(try reader.readInt32())
        case .message, .group: .bytes(try reader.readBytes())
        }
    }

    /// Writes the value (no tag) as `type`. The value must fit (the JSON reader checks ranges).
    func write(as type: FieldDescriptor.FieldType, to writer: inout ProtobufWireWriter) {
        switch (type, self) {
        case (.double, .double(let v)): writer.writeDouble(v)
        case (.float, .float(let v)): writer.writeFloat(v)
        case (.int64, .int(let v)): writer.writeInt64(v)
        case (.sint64, .int(let v)): writer.writeSInt64(v)
        case (.sfixed64, .int(let v)): writer.writeSFixed64(v)
        case (.int32, .int(let v)): writer.writeInt32(Int32(truncatingIfNeeded: v))
        case (.sint32, .int(let v)): writer.writeSInt32(Int32(truncatingIfNeeded: v))
        case (.sfixed32, .int(let v)): writer.writeSFixed32(Int32(truncatingIfNeeded: v))
        case (.uint64, .uint(let v)): writer.writeUInt64(v)
        case (.fixed64, .uint(let v)): writer.writeFixed64(v)
        case (.uint32, .uint(let v)): writer.writeUInt32(UInt32(truncatingIfNeeded: v))
        case (.fixed32, .uint(let v)): writer.writeFixed32(UInt32(truncatingIfNeeded: v))
        case (.bool, .bool(let v)): writer.writeBool(v)
        case (.string, .string(let v)): writer.writeString(v)
        case (.bytes, .bytes(let v)): writer.writeLengthDelimited(v)
        case (.enum, .enumNumber(let v)): writer.writeInt32(v)
        default: preconditionFailure("ProtobufScalar \(self) written as \(type)")
        }
    }

    /// The zero value of a field without presence (what "unset" means in proto3).
    var isZero: Bool {
        switch self {
        case .int(let v): v == 0
        case .uint(let v): v == 0
        case .double(let v): v.bitPattern == 0  // -0.0 is not zero: it survives a round trip
        case .float(let v): v.bitPattern == 0
        case .bool(let v): !v
        case .string(let v): v.isEmpty
        case .bytes(let v): v.isEmpty
        case .enumNumber(let v): v == 0
        }
    }

    static func zero(_ type: FieldDescriptor.FieldType) -> ProtobufScalar {
        switch type {
        case .double: .double(0)
        case .float: .float(0)
        case .int64, .sint64, .sfixed64, .int32, .sint32, .sfixed32: .int(0)
        case .uint64, .fixed64, .uint32, .fixed32: .uint(0)
        case .bool: .bool(false)
        case .string: .string("")
        case .bytes, .message, .group: .bytes([])
        case .enum: .enumNumber(0)
        }
    }

    /// The text of a map key in JSON (`"true"`, `"-5"`, the string itself).
    var mapKeyText: String {
        switch self {
        case .int(let v): String(v)
        case .uint(let v): String(v)
        case .bool(let v): v ? "true" : "false"
        case .string(let v): v
        case .double(let v): String(v)
        case .float(let v): String(v)
        case .bytes(let v): ProtoJSONBase64.encode(v)
        case .enumNumber(let v): String(v)
        }
    }
}
