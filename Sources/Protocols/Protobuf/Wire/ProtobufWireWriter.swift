/// Appends protobuf wire primitives to a byte buffer.
///
/// The writer does no validation beyond what the types enforce: callers pick field numbers
/// and wire types (``writeTag(_:_:)``).
public struct ProtobufWireWriter {
    /// Everything written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// How many bytes were written.
    public var count: Int { bytes.count }

    /// A field tag: `fieldNumber << 3 | wireType`.
    public mutating func writeTag(_ fieldNumber: Int, _ wireType: ProtobufWireType) {
        writeVarint(UInt64(fieldNumber) << 3 | UInt64(wireType.rawValue))
    }

    /// A base-128 varint, 1 to 10 bytes.
    public mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// An `int32`; negative values are sign-extended to 10 bytes, as every runtime writes them.
    public mutating func writeInt32(_ value: Int32) { writeVarint(UInt64(bitPattern: Int64(value))) }
    /// An `int64` (negative values take 10 bytes).
    public mutating func writeInt64(_ value: Int64) { writeVarint(UInt64(bitPattern: value)) }
    /// A `uint32` varint.
    public mutating func writeUInt32(_ value: UInt32) { writeVarint(UInt64(value)) }
    /// A `uint64` varint.
    public mutating func writeUInt64(_ value: UInt64) { writeVarint(value) }
    /// A zigzag-encoded `sint32`.
    public mutating func writeSInt32(_ value: Int32) { writeVarint(UInt64(Self.encodeZigZag32(value))) }
    /// A zigzag-encoded `sint64`.
    public mutating func writeSInt64(_ value: Int64) { writeVarint(Self.encodeZigZag64(value)) }
    /// A `bool` as the varint 0 or 1.
    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// `sint32` zigzag encoding (0, -1, 1, -2 … → 0, 1, 2, 3 …).
    public static func encodeZigZag32(_ value: Int32) -> UInt32 {
        UInt32(bitPattern: (value << 1) ^ (value >> 31))
    }

    /// `sint64` zigzag encoding.
    public static func encodeZigZag64(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// A little-endian `fixed32`.
    public mutating func writeFixed32(_ value: UInt32) {
        for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    /// A little-endian `fixed64`.
    public mutating func writeFixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    /// A little-endian `sfixed32`.
    public mutating func writeSFixed32(_ value: Int32) { writeFixed32(UInt32(bitPattern: value)) }
    /// A little-endian `sfixed64`.
    public mutating func writeSFixed64(_ value: Int64) { writeFixed64(UInt64(bitPattern: value)) }
    /// A little-endian IEEE 754 `float`.
    public mutating func writeFloat(_ value: Float) { writeFixed32(value.bitPattern) }
    /// A little-endian IEEE 754 `double`.
    public mutating func writeDouble(_ value: Double) { writeFixed64(value.bitPattern) }

    /// A length prefix followed by `value`.
    public mutating func writeLengthDelimited(_ value: some Collection<UInt8>) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A length-delimited UTF-8 string.
    public mutating func writeString(_ value: String) {
        writeLengthDelimited(value.utf8)
    }

    /// Bytes copied as they are (already encoded fields).
    public mutating func writeRaw(_ value: some Sequence<UInt8>) {
        bytes.append(contentsOf: value)
    }

    /// How many bytes `writeVarint(value)` writes.
    public static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var v = value
        while v >= 0x80 {
            v >>= 7
            size += 1
        }
        return size
    }
}
