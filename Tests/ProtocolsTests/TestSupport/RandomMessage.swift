import Protocols

/// Random, valid protobuf binary for any message of a descriptor set (seeded, so failures
/// reproduce): every field kind, extreme and special scalar values, unknown numbers for open
/// enums, packed and unpacked lists, maps, at most one member per oneof, and the well-known
/// types within the ranges their ProtoJSON forms allow (Timestamps in years 1–9999, Durations
/// within ±10,000 years, FieldMask paths that survive camel-casing, Values that hold a kind
/// and finite numbers, Anys packing types the set knows).
struct RandomMessage {
    var rng: SplitMix64
    let set: DescriptorSet
    /// Messages nest at most this deep (deeper message fields are left unset).
    let maximumDepth: Int
    /// Full names an `Any` may pack (those present in the set are used).
    var anyPayloadTypes = [
        "google.protobuf.Timestamp", "google.protobuf.Empty", "google.protobuf.Struct", "google.protobuf.Int64Value",
        "gw.test.v1.Team", "codec.test.Nested", "codec.test.Scalars",
    ]

    init(seed: UInt64, set: DescriptorSet, maximumDepth: Int = 4) {
        rng = SplitMix64(seed: seed)
        self.set = set
        self.maximumDepth = maximumDepth
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func bytes(for message: MessageDescriptor, depth: Int = 0) -> [UInt8] {
        var writer = ProtobufWireWriter()
        switch message.fullName {
        case "google.protobuf.Timestamp":
            writeInt64(&writer, 1, Int64.random(in: -62_135_596_800...253_402_300_799, using: &rng))
            writeInt32(&writer, 2, randomNanos(negative: false))
        case "google.protobuf.Duration":
            let seconds = Int64.random(in: -315_576_000_000...315_576_000_000, using: &rng)
            writeInt64(&writer, 1, seconds)
            writeInt32(&writer, 2, randomNanos(negative: seconds < 0 || (seconds == 0 && chance(50))))
        case "google.protobuf.FieldMask":
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                writer.writeTag(1, .lengthDelimited)
                writer.writeString(pick(["a", "foo_bar", "user.display_name", "x.y_z.w", "tags"]))
            }
        case "google.protobuf.Value":
            writeValue(&writer, message, depth: depth)
        case "google.protobuf.Any":
            let candidates = anyPayloadTypes.compactMap { set.message(fullName: $0) }
            if !candidates.isEmpty, depth < maximumDepth, chance(80) {
                let inner = pick(candidates)
                writer.writeTag(1, .lengthDelimited)
                writer.writeString("type.googleapis.com/" + inner.fullName)
                writer.writeTag(2, .lengthDelimited)
                writer.writeLengthDelimited(bytes(for: inner, depth: depth + 1))
            }
        default:
            writeFields(&writer, message, depth: depth)
        }
        return writer.bytes
    }

    private mutating func writeFields(_ writer: inout ProtobufWireWriter, _ message: MessageDescriptor, depth: Int) {
        var chosen: [Int: Int] = [:]  // real oneof index -> declaration index of its member
        for (index, oneof) in message.oneofs.enumerated() where !oneof.isSynthetic && chance(60) {
            if let member = oneof.fields.randomElement(using: &rng) {
                chosen[index] = message.fields.firstIndex { $0 === member }
            }
        }
        for (index, field) in message.fields.enumerated() {
            if let oneof = field.oneofIndex, !message.oneofs[oneof].isSynthetic {
                if chosen[oneof] == index { writeField(&writer, field, depth: depth, single: true) }
                continue
            }
            if field.label == .required || chance(50) { writeField(&writer, field, depth: depth, single: false) }
        }
    }

    private mutating func writeField(
        _ writer: inout ProtobufWireWriter, _ field: FieldDescriptor, depth: Int, single: Bool
    ) {
        if field.isMessage, depth >= maximumDepth, field.label != .required { return }
        if let key = field.mapKey, let value = field.mapValue {
            if value.isMessage, depth >= maximumDepth { return }
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                var entry = ProtobufWireWriter()
                writeScalar(&entry, key, number: 1)
                if value.isMessage, let type = value.messageType(in: set) {
                    entry.writeTag(2, .lengthDelimited)
                    entry.writeLengthDelimited(bytes(for: type, depth: depth + 1))
                } else if !value.isMessage {
                    writeScalar(&entry, value, number: 2)
                }
                writer.writeTag(field.number, .lengthDelimited)
                writer.writeLengthDelimited(entry.bytes)
            }
            return
        }
        let count = field.isList ? Int.random(in: 0...4, using: &rng) : 1
        if field.isMessage {
            guard let type = field.messageType(in: set) else { return }
            for _ in 0..<count {
                let nested = bytes(for: type, depth: depth + 1)
                if field.type == .group {
                    writer.writeTag(field.number, .startGroup)
                    writer.writeRaw(nested)
                    writer.writeTag(field.number, .endGroup)
                } else {
                    writer.writeTag(field.number, .lengthDelimited)
                    writer.writeLengthDelimited(nested)
                }
            }
            return
        }
        if field.isList, field.isPacked, count > 0, chance(80) {
            var packed = ProtobufWireWriter()
            for _ in 0..<count { writeScalarValue(&packed, field) }
            writer.writeTag(field.number, .lengthDelimited)
            writer.writeLengthDelimited(packed.bytes)
            return
        }
        for _ in 0..<count { writeScalar(&writer, field, number: field.number) }
    }

    private mutating func writeScalar(_ writer: inout ProtobufWireWriter, _ field: FieldDescriptor, number: Int) {
        writer.writeTag(number, field.type.wireType)
        writeScalarValue(&writer, field)
    }

    private mutating func writeScalarValue(_ writer: inout ProtobufWireWriter, _ field: FieldDescriptor) {
        switch field.type {
        case .double: writer.writeDouble(randomDouble())
        case .float: writer.writeFloat(Float(randomDouble()))
        case .int32: writer.writeInt32(randomInt32())
        case .sint32: writer.writeSInt32(randomInt32())
        case .sfixed32: writer.writeSFixed32(randomInt32())
        case .int64: writer.writeInt64(randomInt64())
        case .sint64: writer.writeSInt64(randomInt64())
        case .sfixed64: writer.writeSFixed64(randomInt64())
        case .uint32: writer.writeUInt32(UInt32(truncatingIfNeeded: randomInt64()))
        case .fixed32: writer.writeFixed32(UInt32(truncatingIfNeeded: randomInt64()))
        case .uint64: writer.writeUInt64(UInt64(bitPattern: randomInt64()))
        case .fixed64: writer.writeFixed64(UInt64(bitPattern: randomInt64()))
        case .bool: writer.writeBool(chance(50))
        case .string: writer.writeString(randomString())
        case .bytes: writer.writeLengthDelimited((0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .enum:
            let type = field.enumType(in: set)
            if let type, type.isClosed || chance(85), let value = type.values.randomElement(using: &rng) {
                writer.writeInt32(value.number)
            } else {
                writer.writeInt32(Int32.random(in: -5...50, using: &rng))
            }
        case .message, .group: break
        }
    }

    private mutating func writeValue(_ writer: inout ProtobufWireWriter, _ message: MessageDescriptor, depth: Int) {
        let kinds = depth >= maximumDepth ? [1, 2, 3, 4] : [1, 2, 3, 4, 5, 6]
        switch pick(kinds) {
        case 1: writer.writeTag(1, .varint); writer.writeVarint(0)
        case 2:
            var number = randomDouble()
            if !number.isFinite { number = 0.25 }
            writer.writeTag(2, .fixed64); writer.writeDouble(number)
        case 3: writer.writeTag(3, .lengthDelimited); writer.writeString(randomString())
        case 4: writer.writeTag(4, .varint); writer.writeBool(chance(50))
        case 5:
            if let type = set.message(fullName: "google.protobuf.Struct") {
                writer.writeTag(5, .lengthDelimited); writer.writeLengthDelimited(bytes(for: type, depth: depth + 1))
            }
        default:
            if let type = set.message(fullName: "google.protobuf.ListValue") {
                writer.writeTag(6, .lengthDelimited); writer.writeLengthDelimited(bytes(for: type, depth: depth + 1))
            }
        }
    }

    private mutating func writeInt64(_ writer: inout ProtobufWireWriter, _ number: Int, _ value: Int64) {
        writer.writeTag(number, .varint); writer.writeInt64(value)
    }

    private mutating func writeInt32(_ writer: inout ProtobufWireWriter, _ number: Int, _ value: Int32) {
        writer.writeTag(number, .varint); writer.writeInt32(value)
    }

    private mutating func randomNanos(negative: Bool) -> Int32 {
        let value: Int32 =
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: 0
            case 1: Int32.random(in: 0..<1000, using: &rng) * 1_000_000
            case 2: Int32.random(in: 0..<1_000_000, using: &rng) * 1000
            default: Int32.random(in: 0..<1_000_000_000, using: &rng)
            }
        return negative ? -value : value
    }

    mutating func randomInt32() -> Int32 {
        chance(40) ? pick([0, 1, -1, Int32.max, Int32.min, 127, -128]) : Int32.random(in: .min ... .max, using: &rng)
    }

    mutating func randomInt64() -> Int64 {
        chance(40)
            ? pick([0, 1, -1, Int64.max, Int64.min, Int64(Int32.max) + 1, 9_007_199_254_740_993])
            : Int64.random(in: .min ... .max, using: &rng)
    }

    mutating func randomDouble() -> Double {
        if chance(40) {
            return pick([
                0, -0.0, 1.5, -2.25, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, 1.7976931348623157e308, 1e21, 1e-7,
                123_456_789.125, 0.1, 3.4028234663852886e38, 1.401298464324817e-45,
            ])
        }
        let bits = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng))
        return bits.isFinite ? bits : Double.random(in: -1e6...1e6, using: &rng)
    }

    mutating func randomString() -> String {
        let pieces = ["", "a", "héllo", "😀", "\"quote\"", "back\\slash", "<&>", "\u{2028}", "\u{0}", "tab\t", "日本", " "]
        return (0..<Int.random(in: 0...3, using: &rng)).map { _ in pick(pieces) }.joined()
    }
}
