/// Bounds-checked reading of protobuf wire primitives from a byte buffer.
///
/// A reader covers a region of its buffer (`offset..<limit`); every read checks against
/// `limit`, so a nested message can never read bytes that belong to its parent. Nested
/// messages get their own reader (``readMessageReader()``), one level deeper; past
/// `maximumDepth` that throws, as does skipping groups nested that deep.
///
/// `read*` methods consume input and throw ``ProtobufDecodeError`` (with the offset of the
/// value) on malformed or truncated data; they never trap on bad input.
public struct ProtobufWireReader {
    /// The whole buffer; offsets in errors and ranges are indexes into it.
    public let bytes: [UInt8]
    /// Where the next read starts.
    public private(set) var offset: Int
    /// The end of the region this reader may read.
    public let limit: Int
    /// How many enclosing messages this reader is nested in (0 for the outermost).
    public let depth: Int
    /// Nesting beyond this many levels is rejected.
    public let maximumDepth: Int

    /// A reader over all of `bytes`.
    public init(_ bytes: [UInt8], maximumDepth: Int = ProtobufLimits.defaultMaximumDepth) {
        self.init(bytes, range: 0..<bytes.count, depth: 0, maximumDepth: maximumDepth)
    }

    /// A reader over `range` of `bytes` (clamped to the buffer), at nesting `depth`.
    public init(
        _ bytes: [UInt8], range: Range<Int>, depth: Int = 0, maximumDepth: Int = ProtobufLimits.defaultMaximumDepth
    ) {
        self.bytes = bytes
        self.offset = min(max(range.lowerBound, 0), bytes.count)
        self.limit = min(max(range.upperBound, self.offset), bytes.count)
        self.depth = depth
        self.maximumDepth = maximumDepth
    }

    /// Whether the region is used up.
    public var isAtEnd: Bool { offset >= limit }

    /// Bytes left in the region.
    public var remaining: Int { limit - offset }

    // MARK: Tags

    /// Reads a tag. Field number 0, numbers above 2^29-1 and wire types 6 and 7 are errors;
    /// end-group tags are returned (the caller decides whether one is expected).
    public mutating func readTag() throws(ProtobufDecodeError) -> ProtobufTag {
        let start = offset
        let raw = try readVarint(what: "tag")
        guard raw <= UInt64(UInt32.max) else {
            throw ProtobufDecodeError(.invalidTag, "tag \(raw) is out of range", offset: start)
        }
        let fieldNumber = Int(raw >> 3)
        guard let wireType = ProtobufWireType(rawValue: UInt8(raw & 7)) else {
            throw ProtobufDecodeError(
                .invalidTag, "invalid wire type \(raw & 7) for field \(fieldNumber)", offset: start)
        }
        guard fieldNumber != 0 else {
            throw ProtobufDecodeError(.invalidTag, "invalid tag \(raw) (field number 0)", offset: start)
        }
        guard fieldNumber <= ProtobufTag.maximumFieldNumber else {
            throw ProtobufDecodeError(.invalidTag, "field number \(fieldNumber) is out of range", offset: start)
        }
        return ProtobufTag(fieldNumber: fieldNumber, wireType: wireType)
    }

    // MARK: Varints

    /// Reads a varint of up to 10 bytes. Bits beyond 64 in the tenth byte are dropped, as
    /// the C++ runtime does.
    public mutating func readVarint() throws(ProtobufDecodeError) -> UInt64 {
        try readVarint(what: "varint")
    }

    private mutating func readVarint(what: String) throws(ProtobufDecodeError) -> UInt64 {
        let start = offset
        if start < limit {
            let first = bytes[start]
            if first < 0x80 {
                offset = start + 1
                return UInt64(first)
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = start
        for _ in 0..<10 {
            guard position < limit else {
                throw ProtobufDecodeError(.truncated, "truncated \(what)", offset: start)
            }
            let byte = bytes[position]
            position += 1
            if shift < 64 { result |= UInt64(byte & 0x7F) << shift }
            shift += 7
            if byte < 0x80 {
                offset = position
                return result
            }
        }
        throw ProtobufDecodeError(.malformedVarint, "\(what) longer than 10 bytes", offset: start)
    }

    /// An `int32`: a varint truncated to 32 bits (negative values arrive sign-extended).
    public mutating func readInt32() throws(ProtobufDecodeError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    /// An `int64`: the varint's 64 bits, two's complement.
    public mutating func readInt64() throws(ProtobufDecodeError) -> Int64 {
        Int64(bitPattern: try readVarint())
    }

    /// A `uint32`: a varint truncated to 32 bits.
    public mutating func readUInt32() throws(ProtobufDecodeError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readVarint())
    }

    /// A `uint64`: the varint as is.
    public mutating func readUInt64() throws(ProtobufDecodeError) -> UInt64 {
        try readVarint()
    }

    /// A zigzag-encoded `sint32`.
    public mutating func readSInt32() throws(ProtobufDecodeError) -> Int32 {
        Self.decodeZigZag32(UInt32(truncatingIfNeeded: try readVarint()))
    }

    /// A zigzag-encoded `sint64`.
    public mutating func readSInt64() throws(ProtobufDecodeError) -> Int64 {
        Self.decodeZigZag64(try readVarint())
    }

    /// A `bool`: any non-zero varint is true.
    public mutating func readBool() throws(ProtobufDecodeError) -> Bool {
        try readVarint() != 0
    }

    /// Undoes `sint32` zigzag encoding (0, -1, 1, -2 … ← 0, 1, 2, 3 …).
    public static func decodeZigZag32(_ value: UInt32) -> Int32 {
        Int32(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    /// Undoes `sint64` zigzag encoding.
    public static func decodeZigZag64(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    // MARK: Fixed width

    private mutating func need(_ count: Int, _ what: String) throws(ProtobufDecodeError) {
        guard limit - offset >= count else {
            throw ProtobufDecodeError(
                .truncated, "truncated \(what) (need \(count) bytes, \(max(limit - offset, 0)) left)", offset: offset)
        }
    }

    /// A little-endian `fixed32`.
    public mutating func readFixed32() throws(ProtobufDecodeError) -> UInt32 {
        try need(4, "32-bit value")
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    /// A little-endian `fixed64`.
    public mutating func readFixed64() throws(ProtobufDecodeError) -> UInt64 {
        try need(8, "64-bit value")
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return value
    }

    /// A little-endian `sfixed32`.
    public mutating func readSFixed32() throws(ProtobufDecodeError) -> Int32 {
        Int32(bitPattern: try readFixed32())
    }

    /// A little-endian `sfixed64`.
    public mutating func readSFixed64() throws(ProtobufDecodeError) -> Int64 {
        Int64(bitPattern: try readFixed64())
    }

    /// A little-endian IEEE 754 `float`.
    public mutating func readFloat() throws(ProtobufDecodeError) -> Float {
        Float(bitPattern: try readFixed32())
    }

    /// A little-endian IEEE 754 `double`.
    public mutating func readDouble() throws(ProtobufDecodeError) -> Double {
        Double(bitPattern: try readFixed64())
    }

    // MARK: Length-delimited

    /// Reads a length prefix and returns the range of the value that follows (inside `limit`),
    /// moving past it.
    public mutating func readLengthDelimited() throws(ProtobufDecodeError) -> Range<Int> {
        let start = offset
        let length = try readVarint(what: "length")
        let available = limit - offset
        guard length <= UInt64(available) else {
            throw ProtobufDecodeError(
                .invalidLength, "length \(length) exceeds the \(available) remaining bytes", offset: start)
        }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    /// A length-delimited value, copied.
    public mutating func readBytes() throws(ProtobufDecodeError) -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// A length-delimited value as text; invalid UTF-8 becomes U+FFFD (as in protobuf-es).
    public mutating func readString() throws(ProtobufDecodeError) -> String {
        String(decoding: bytes[try readLengthDelimited()], as: UTF8.self)
    }

    /// Reads a length-delimited value and returns a reader over it, one level deeper.
    public mutating func readMessageReader() throws(ProtobufDecodeError) -> ProtobufWireReader {
        let start = offset
        try checkDepth(at: start)
        let range = try readLengthDelimited()
        return ProtobufWireReader(bytes, range: range, depth: depth + 1, maximumDepth: maximumDepth)
    }

    /// A reader over `range` (inside this reader's region), one level deeper.
    public func nestedReader(_ range: Range<Int>) throws(ProtobufDecodeError) -> ProtobufWireReader {
        try checkDepth(at: range.lowerBound)
        return ProtobufWireReader(bytes, range: range, depth: depth + 1, maximumDepth: maximumDepth)
    }

    private func checkDepth(at position: Int) throws(ProtobufDecodeError) {
        guard depth < maximumDepth else {
            throw ProtobufDecodeError(
                .nestingTooDeep, "messages nested deeper than \(maximumDepth) levels", offset: position)
        }
    }

    // MARK: Groups and skipping

    /// After the start-group tag of `fieldNumber`: returns the range of the group's content
    /// and moves past its end-group tag.
    public mutating func readGroup(fieldNumber: Int) throws(ProtobufDecodeError) -> Range<Int> {
        try readGroup(fieldNumber: fieldNumber, level: depth)
    }

    private mutating func readGroup(fieldNumber: Int, level: Int) throws(ProtobufDecodeError) -> Range<Int> {
        let start = offset
        guard level < maximumDepth else {
            throw ProtobufDecodeError(
                .nestingTooDeep, "groups nested deeper than \(maximumDepth) levels", offset: start)
        }
        while true {
            guard offset < limit else {
                throw ProtobufDecodeError(.truncated, "missing end-group tag for field \(fieldNumber)", offset: start)
            }
            let tagStart = offset
            let tag = try readTag()
            if tag.wireType == .endGroup {
                guard tag.fieldNumber == fieldNumber else {
                    throw ProtobufDecodeError(
                        .unexpectedEndGroup,
                        "end-group tag for field \(tag.fieldNumber) inside the group of field \(fieldNumber)",
                        offset: tagStart)
                }
                return start..<tagStart
            }
            try skip(tag, level: level + 1)
        }
    }

    /// Skips the value of a field whose tag was just read (groups recursively, bounded by
    /// `maximumDepth`). An end-group tag here has no matching start and is an error.
    public mutating func skipField(_ tag: ProtobufTag) throws(ProtobufDecodeError) {
        try skip(tag, level: depth)
    }

    private mutating func skip(_ tag: ProtobufTag, level: Int) throws(ProtobufDecodeError) {
        switch tag.wireType {
        case .varint: _ = try readVarint()
        case .fixed64:
            try need(8, "64-bit value")
            offset += 8
        case .fixed32:
            try need(4, "32-bit value")
            offset += 4
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup: _ = try readGroup(fieldNumber: tag.fieldNumber, level: level)
        case .endGroup:
            let tagSize = ProtobufWireWriter.varintSize(UInt64(tag.fieldNumber) << 3 | 4)
            throw ProtobufDecodeError(
                .unexpectedEndGroup, "unexpected end-group tag for field \(tag.fieldNumber)",
                offset: max(offset - tagSize, 0))
        }
    }
}
