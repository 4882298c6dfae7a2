import Protocols
import Testing

@Suite struct ProtobufWireTests {
    // Varints of every length round-trip, and negative int32 values take 10 bytes.
    @Test(arguments: [UInt64(0), 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max >> 1, UInt64.max])
    func varintsRoundTrip(value: UInt64) throws {
        var writer = ProtobufWireWriter()
        writer.writeVarint(value)
        #expect(writer.count == ProtobufWireWriter.varintSize(value))
        var reader = ProtobufWireReader(writer.bytes)
        #expect(try reader.readVarint() == value)
        #expect(reader.isAtEnd)
    }

    @Test func negativeInt32IsSignExtended() throws {
        var writer = ProtobufWireWriter()
        writer.writeInt32(-1)
        #expect(writer.bytes == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        var reader = ProtobufWireReader(writer.bytes)
        #expect(try reader.readInt32() == -1)
    }

    @Test(arguments: [Int64(0), -1, 1, -2, Int64.max, Int64.min, 123_456_789, -987_654_321])
    func zigzagRoundTrips(value: Int64) throws {
        var writer = ProtobufWireWriter()
        writer.writeSInt64(value)
        if let small = Int32(exactly: value) { writer.writeSInt32(small) }
        var reader = ProtobufWireReader(writer.bytes)
        #expect(try reader.readSInt64() == value)
        if let small = Int32(exactly: value) { #expect(try reader.readSInt32() == small) }
        #expect(ProtobufWireWriter.encodeZigZag64(-1) == 1)
        #expect(ProtobufWireWriter.encodeZigZag32(1) == 2)
    }

    @Test func fixedWidthValuesAreLittleEndian() throws {
        var writer = ProtobufWireWriter()
        writer.writeFixed32(0x0403_0201)
        writer.writeFixed64(0x0807_0605_0403_0201)
        writer.writeDouble(1.5)
        writer.writeFloat(-2.25)
        #expect(Array(writer.bytes.prefix(12)) == [1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8])
        var reader = ProtobufWireReader(writer.bytes)
        #expect(try reader.readFixed32() == 0x0403_0201)
        #expect(try reader.readSFixed64() == 0x0807_0605_0403_0201)
        #expect(try reader.readDouble() == 1.5)
        #expect(try reader.readFloat() == -2.25)
    }

    @Test func readsTagsAndLengthDelimitedValues() throws {
        var writer = ProtobufWireWriter()
        writer.writeTag(2, .lengthDelimited)
        writer.writeString("héllo")
        writer.writeTag(536_870_911, .varint)
        writer.writeVarint(7)
        var reader = ProtobufWireReader(writer.bytes)
        #expect(try reader.readTag() == ProtobufTag(fieldNumber: 2, wireType: .lengthDelimited))
        #expect(try reader.readString() == "héllo")
        #expect(try reader.readTag() == ProtobufTag(fieldNumber: 536_870_911, wireType: .varint))
        #expect(try reader.readVarint() == 7)
        #expect(reader.isAtEnd)
    }

    // Malformed input: each case names the code and the offset of the bad value.
    @Test(
        arguments: [
            ([0x80], ProtobufDecodeError.Code.truncated, 0),
            ([0x08, 0x80, 0x80], .truncated, 1),
            ([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01], .malformedVarint, 1),
            ([0x00], .invalidTag, 0),
            ([0x0F], .invalidTag, 0),
            ([0x0A, 0x05, 0x01], .invalidLength, 1),
            ([0x0D, 0x01, 0x02], .truncated, 1),
            ([0x09, 0x01], .truncated, 1),
            ([0x0C], .unexpectedEndGroup, 0),
            ([0x0B, 0x10, 0x01], .truncated, 1),
            ([0x0B, 0x14], .unexpectedEndGroup, 1),
        ] as [([UInt8], ProtobufDecodeError.Code, Int)])
    func rejectsMalformedInput(bytes: [UInt8], code: ProtobufDecodeError.Code, offset: Int) {
        var reader = ProtobufWireReader(bytes)
        do {
            while !reader.isAtEnd {
                let tag = try reader.readTag()
                try reader.skipField(tag)
            }
            Issue.record("no error for \(bytes)")
        } catch {
            #expect(error.code == code, "\(error)")
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test func errorsDescribeTheProblem() {
        var reader = ProtobufWireReader([0x0A, 0x05, 0x01])
        do {
            _ = try reader.readTag()
            _ = try reader.readBytes()
            Issue.record("no error")
        } catch {
            #expect(error.description == "length 5 exceeds the 1 remaining bytes at offset 1")
        }
    }

    // Groups are skipped recursively, with their nesting bounded.
    @Test func skipsGroupsAndBoundsTheirNesting() throws {
        var writer = ProtobufWireWriter()
        writer.writeTag(1, .startGroup)
        writer.writeTag(2, .startGroup)
        writer.writeTag(3, .varint)
        writer.writeVarint(5)
        writer.writeTag(2, .endGroup)
        writer.writeTag(1, .endGroup)
        writer.writeTag(4, .varint)
        writer.writeVarint(9)
        var reader = ProtobufWireReader(writer.bytes)
        try reader.skipField(try reader.readTag())
        #expect(try reader.readTag() == ProtobufTag(fieldNumber: 4, wireType: .varint))

        let deep = [UInt8](repeating: 0x0B, count: 200)
        var deepReader = ProtobufWireReader(deep)
        #expect {
            try deepReader.skipField(try deepReader.readTag())
        } throws: { ($0 as? ProtobufDecodeError)?.code == .nestingTooDeep }
    }

    @Test func readGroupReturnsTheContent() throws {
        let bytes: [UInt8] = [0x0B, 0x10, 0x07, 0x0C, 0x18, 0x01]
        var reader = ProtobufWireReader(bytes)
        let tag = try reader.readTag()
        #expect(try reader.readGroup(fieldNumber: tag.fieldNumber) == 1..<3)
        #expect(try reader.readTag() == ProtobufTag(fieldNumber: 3, wireType: .varint))
    }

    // Nested readers stay inside their region and count depth.
    @Test func nestedReadersAreBounded() throws {
        var reader = ProtobufWireReader([0x0A, 0x02, 0x08, 0x01, 0x10, 0x02])
        _ = try reader.readTag()
        var nested = try reader.readMessageReader()
        #expect(nested.depth == 1)
        #expect(nested.remaining == 2)
        #expect(try nested.readTag() == ProtobufTag(fieldNumber: 1, wireType: .varint))
        #expect(try nested.readVarint() == 1)
        #expect(nested.isAtEnd)
        #expect(try reader.readTag() == ProtobufTag(fieldNumber: 2, wireType: .varint))

        var shallow = ProtobufWireReader([0x0A, 0x00], maximumDepth: 0)
        _ = try shallow.readTag()
        #expect { _ = try shallow.readMessageReader() } throws: {
            ($0 as? ProtobufDecodeError)?.code == .nestingTooDeep
        }
    }
}
