import Protocols
import Testing

/// Malformed binary never traps or hangs: it fails with a `malformedBinary` (or
/// `nestingTooDeep`) error naming the field and offset.
@Suite struct ProtobufCodecMalformedTests {
    static let types = [
        "codec.test.AllTypes", "codec.test2.Proto2Message", "codec.test.Batch", "google.protobuf.Struct",
    ]

    @Test(
        arguments: [
            // f_int32 (3) with wire type 2.
            (
                "codec.test.Scalars", [0x1A, 0x00] as [UInt8],
                "fInt32: field 3 (codec.test.Scalars.f_int32) has wire type length-delimited, expected varint at offset 0"
            ),
            ("codec.test.Scalars", [0x18], "fInt32: truncated varint at offset 1"),
            (
                "codec.test.Scalars", [0x18, 0x01, 0x09, 0x00],
                "fDouble: truncated 64-bit value (need 8 bytes, 1 left) at offset 3"
            ),
            ("codec.test.Scalars", [0x72, 0x05, 0x61], "fString: length 5 exceeds the 1 remaining bytes at offset 1"),
            ("codec.test.Scalars", [0x00], "invalid tag 0 (field number 0) at offset 0"),
            ("codec.test.Scalars", [0x07], "invalid wire type 7 for field 0 at offset 0"),
            ("codec.test.Scalars", [0x98, 0x01, 0x01, 0x0C], "unexpected end-group tag for field 1 at offset 3"),
            // An unknown group without its end.
            ("codec.test.Scalars", [0xA3, 0x06, 0x08, 0x01], "missing end-group tag for field 100 at offset 2"),
            // nested (50) claims more than its parent has.
            (
                "codec.test.AllTypes", [0x92, 0x03, 0x04, 0x08, 0x01, 0x10],
                "nested: length 4 exceeds the 3 remaining bytes at offset 2"
            ),
            ("codec.test.AllTypes", [0x92, 0x03, 0x02, 0x08, 0x80], "nested.a: truncated varint at offset 4"),
            // map_string_int32 (30): an entry whose key has the wrong wire type.
            (
                "codec.test.AllTypes", [0xF2, 0x01, 0x02, 0x08, 0x01],
                "mapStringInt32: field 1 (codec.test.AllTypes.MapStringInt32Entry.key) has wire type varint, expected length-delimited at offset 3"
            ),
            (
                "codec.test.AllTypes", [0x50] + [UInt8](repeating: 0xFF, count: 11),
                "packedInt32: varint longer than 10 bytes at offset 1"
            ),
            ("codec.test.AllTypes", [0x52, 0x02, 0x01, 0x80], "packedInt32: truncated varint at offset 3"),
            (
                "codec.test.AllTypes", [0x5A, 0x03, 0x00, 0x00, 0x00],
                "packedDouble: truncated 64-bit value (need 8 bytes, 3 left) at offset 2"
            ),
            // Group Item (7) ended by another field's end tag.
            (
                "codec.test2.Proto2Message", [0x08, 0x01, 0x3B, 0x40, 0x01, 0x44],
                "item: end-group tag for field 8 inside the group of field 7 at offset 5"
            ),
        ] as [(String, [UInt8], String)])
    func reportsWhereTheBytesAreWrong(type: String, bytes: [UInt8], description: String) throws {
        let error = try #require(CodecHarness.decodeError(type, bytes: bytes))
        #expect(error.code == .malformedBinary)
        #expect(error.description == description)
        #expect(throws: ProtobufCodecError.self) {
            try ProtobufCodec.validate(bytes, message: CodecHarness.message(type), in: CodecHarness.set)
        }
    }

    // Seeded random buffers: decoding and validating either succeed or throw, quickly.
    @Test func survivesRandomBuffers() {
        var random = SplitMix64(seed: 0x5EED)
        let clock = ContinuousClock()
        let start = clock.now
        var failures = 0
        for round in 0..<3000 {
            let count = Int(random.next() % 64) + (round % 10 == 0 ? Int(random.next() % 2000) : 0)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            for type in Self.types {
                if decodeAndValidate(type, bytes) { failures += 1 }
            }
        }
        #expect(failures > 1000)
        #expect(clock.now - start < .seconds(30))
    }

    // Mutations of a valid message: truncations, byte flips, insertions and deletions.
    @Test func survivesMutationsOfAValidMessage() throws {
        let valid = try Protoc.encode("codec.test.AllTypes", CodecHarness.fixtureText("all_types.txtpb"))
        var random = SplitMix64(seed: 7)
        var failures = 0
        var successes = 0
        let clock = ContinuousClock()
        let start = clock.now
        for round in 0..<3000 {
            var bytes = valid
            switch round % 4 {
            case 0:
                bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
            case 1:
                for _ in 0...(random.next() % 4) {
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            case 2:
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.insert(
                    contentsOf: (0..<(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
            default:
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.removeSubrange(at..<min(bytes.count, at + Int(random.next() % 16)))
            }
            if decodeAndValidate("codec.test.AllTypes", bytes) { failures += 1 } else { successes += 1 }
        }
        // Both outcomes must occur, or the mutations did not reach the failure paths (or broke everything).
        #expect(failures > 100)
        #expect(successes > 100)
        #expect(clock.now - start < .seconds(30))
    }

    // Deep nesting and huge declared lengths fail fast instead of exhausting the stack or memory.
    @Test func failsFastOnHostileShapes() {
        let groups = (0..<10000).flatMap { _ in [0xA3, 0x06] as [UInt8] }  // start-group of field 100, unclosed
        #expect(CodecHarness.decodeError("codec.test.AllTypes", bytes: groups)?.code == .nestingTooDeep)
        let nestedStructs = (0..<5000).flatMap { _ in [0x0A, 0x80] as [UInt8] }
        #expect(CodecHarness.decodeError("google.protobuf.Struct", bytes: nestedStructs) != nil)
        let hugeLength: [UInt8] = [0x72, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        #expect(
            CodecHarness.decodeError("codec.test.Scalars", bytes: hugeLength)?.message
                == "length 4294967295 exceeds the 0 remaining bytes at offset 1")
        // A million-entry packed field of one-byte varints is just big, not slow.
        let packed: [UInt8] = [0x52, 0x80, 0x89, 0x7A] + [UInt8](repeating: 1, count: 2_000_000)
        #expect(CodecHarness.decodeError("codec.test.AllTypes", bytes: packed) == nil)
    }

    @Test func validatesWithoutDecodingAnyPayloads() throws {
        // The Any's payload is garbage: still a valid AllTypes, but it has no JSON form.
        let bytes = try Protoc.encode(
            "codec.test.AllTypes", #"any { type_url: "type.googleapis.com/codec.test.Nested" value: "\377" }"#)
        try ProtobufCodec.validate(bytes, message: CodecHarness.message("codec.test.AllTypes"), in: CodecHarness.set)
        #expect(CodecHarness.decodeError("codec.test.AllTypes", bytes: bytes)?.code == .malformedBinary)
        // Unknown fields are fine; known ones must have a possible wire type.
        try ProtobufCodec.validate(
            [0xF8, 0x07, 0x01], message: CodecHarness.message("codec.test.Scalars"), in: CodecHarness.set)
        let response = try Protoc.encode("codec.test.AllTypes", "scalars { }")  // field 1: a message, not a double
        #expect(throws: ProtobufCodecError.self) {
            try ProtobufCodec.validate(
                response, message: CodecHarness.message("codec.test.Scalars"), in: CodecHarness.set)
        }
    }

    /// True if either call failed. A failure must be a clear error (a code and a message that
    /// names the problem); a decode that succeeds must give JSON that encodes again, so
    /// "succeeded" cannot hide a half-converted message.
    private func decodeAndValidate(_ type: String, _ bytes: [UInt8]) -> Bool {
        let message = CodecHarness.message(type)
        var failed = false
        do {
            let json = try ProtobufCodec.decodeToJSON(bytes, message: message, in: CodecHarness.set)
            do {
                _ = try ProtobufCodec.encodeFromJSON(json, message: message, in: CodecHarness.set)
            } catch {
                Issue.record("decoded \(type) does not re-encode: \(error)")
            }
        } catch {
            failed = true
            #expect(!error.message.isEmpty, "decode error without a message: \(error.code)")
        }
        do {
            try ProtobufCodec.validate(bytes, message: message, in: CodecHarness.set)
        } catch {
            failed = true
            #expect(!error.message.isEmpty, "validate error without a message: \(error.code)")
        }
        return failed
    }
}
