import Protocols
import Testing

/// Malformed binary and JSON never crash the codec: every failure is a ProtobufCodecError
/// that says something, and whatever converts is stable (decoding what we encoded from our
/// own output gives that output back).
@Suite struct ProtobufCodecFuzzTests {
    static let targets: [(set: DescriptorSet, name: String)] = [
        (CodecHarness.set, "codec.test.AllTypes"), (CodecHarness.set, "codec.test2.Proto2Message"),
        (CodecHarness.set, "codec.test.Batch"), (GatewayFixtures.set, "gw.test.v1.Everything"),
        (GatewayFixtures.set, "gw.test.v1.Task"), (GatewayFixtures.set, "google.protobuf.Struct"),
        (GatewayFixtures.set, "google.protobuf.Any"),
    ]

    /// Decodes, checking the error contract; on success, checks JSON → binary → JSON is stable.
    static func checkDecode(_ bytes: [UInt8], _ message: MessageDescriptor, _ set: DescriptorSet) -> Bool {
        let json: JSONValue
        do {
            json = try ProtobufCodec.decodeToJSON(bytes, message: message, in: set)
        } catch {
            #expect(!error.message.isEmpty && !error.description.isEmpty, "an error without a message")
            return false
        }
        do {
            try ProtobufCodec.validate(bytes, message: message, in: set)
        } catch {
            #expect(error.code == .missingRequiredField || error.code == .malformedBinary, "\(error)")
        }
        checkStable(json, message, set)
        return true
    }

    /// Our own output must re-encode, and converting once more must change nothing: a fixed
    /// point after one round. (One round may lose what JSON cannot say: a singular NullValue
    /// holding a number it does not list is written `null`, as every ProtoJSON printer does.)
    static func checkStable(_ json: JSONValue, _ message: MessageDescriptor, _ set: DescriptorSet) {
        do {
            let once = try ProtobufCodec.decodeToJSON(
                try ProtobufCodec.encodeFromJSON(json, message: message, in: set), message: message, in: set)
            let twice = try ProtobufCodec.decodeToJSON(
                try ProtobufCodec.encodeFromJSON(once, message: message, in: set), message: message, in: set)
            #expect(twice == once, "\(message.fullName): \(JSONWriter().string(once)) came back as \(JSONWriter().string(twice))")
            let text = JSONWriter().string(json)
            if !text.contains("null") {
                #expect(once == json, "\(message.fullName): \(text) came back as \(JSONWriter().string(once))")
            }
        } catch {
            #expect(Bool(false), "\(message.fullName): our own output \(JSONWriter().string(json)) does not convert: \(error)")
        }
    }

    static func checkEncode(_ json: JSONValue, _ message: MessageDescriptor, _ set: DescriptorSet) -> Bool {
        let bytes: [UInt8]
        do {
            bytes = try ProtobufCodec.encodeFromJSON(json, message: message, in: set)
        } catch {
            #expect(!error.message.isEmpty && !error.description.isEmpty, "an error without a message")
            return false
        }
        do {
            let decoded = try ProtobufCodec.decodeToJSON(bytes, message: message, in: set)
            checkStable(decoded, message, set)
        } catch {
            #expect(Bool(false), "\(message.fullName): \(JSONWriter().string(json)) encodes to bytes we cannot decode: \(error)")
        }
        return true
    }

    // Valid messages with bits flipped, bytes cut, inserted, repeated or overwritten.
    @Test(arguments: 0..<targets.count)
    func survivesMutatedBinary(index: Int) {
        let (set, name) = Self.targets[index]
        guard let message = set.message(fullName: name) else { return #expect(Bool(false), "no \(name)") }
        var random = RandomMessage(seed: 0xF00D + UInt64(index), set: set, maximumDepth: 3)
        var accepted = 0
        var refused = 0
        for _ in 0..<300 {
            var bytes = random.bytes(for: message)
            for _ in 0...Int.random(in: 0...3, using: &random.rng) {
                mutate(&bytes, using: &random.rng)
            }
            if Self.checkDecode(bytes, message, set) { accepted += 1 } else { refused += 1 }
        }
        #expect(accepted > 0 && refused > 0, "\(name): \(accepted) accepted, \(refused) refused")
    }

    // Random JSON shaped like the message: right and wrong keys, any value kinds, deep nesting.
    @Test(arguments: 0..<targets.count)
    func survivesRandomJSON(index: Int) {
        let (set, name) = Self.targets[index]
        guard let message = set.message(fullName: name) else { return #expect(Bool(false), "no \(name)") }
        var rng = SplitMix64(seed: 0xBEEF + UInt64(index))
        var accepted = 0
        var refused = 0
        for _ in 0..<400 {
            let json = randomJSON(for: message, set: set, depth: 0, using: &rng)
            if Self.checkEncode(json, message, set) { accepted += 1 } else { refused += 1 }
        }
        #expect(accepted > 0 && refused > 0, "\(name): \(accepted) accepted, \(refused) refused")
    }

    // Our canonical JSON text, damaged character by character.
    @Test func survivesDamagedJSONText() throws {
        let set = CodecHarness.set
        let message = CodecHarness.message("codec.test.AllTypes")
        var random = RandomMessage(seed: 77, set: set, maximumDepth: 3)
        var parsed = 0
        for _ in 0..<300 {
            let json = try ProtobufCodec.decodeToJSON(random.bytes(for: message), message: message, in: set)
            var text = JSONWriter().bytes(json)
            for _ in 0...Int.random(in: 0...2, using: &random.rng) { mutate(&text, using: &random.rng) }
            guard let damaged = try? JSONParser.parse(text) else { continue }
            parsed += 1
            _ = Self.checkEncode(damaged, message, set)
        }
        #expect(parsed > 20)
    }

    // Nesting beyond the limit is an error, not a stack overflow, in both directions.
    @Test func refusesHostileNesting() throws {
        let recursive = CodecHarness.message("codec.test.Recursive")
        var json: JSONValue = ["depth": 1]
        for _ in 0..<(ProtobufLimits.defaultMaximumDepth + 20) { json = ["child": json] }
        let encodeError = #expect(throws: ProtobufCodecError.self) {
            try ProtobufCodec.encodeFromJSON(json, message: recursive, in: CodecHarness.set)
        }
        #expect(encodeError?.code == .nestingTooDeep)
        var bytes: [UInt8] = [0x10, 0x01]
        for _ in 0..<(ProtobufLimits.defaultMaximumDepth + 20) {
            var writer = ProtobufWireWriter()
            writer.writeTag(1, .lengthDelimited)
            writer.writeLengthDelimited(bytes)
            bytes = writer.bytes
        }
        let decodeError = #expect(throws: ProtobufCodecError.self) {
            try ProtobufCodec.decodeToJSON(bytes, message: recursive, in: CodecHarness.set)
        }
        #expect(decodeError?.code == .nestingTooDeep)
        let value = try #require(CodecHarness.set.message(fullName: "google.protobuf.Value"))
        var list: JSONValue = 1
        for _ in 0..<(ProtobufLimits.defaultMaximumDepth + 20) { list = [list] }
        #expect(throws: ProtobufCodecError.self) { try ProtobufCodec.encodeFromJSON(list, message: value, in: CodecHarness.set) }
    }

    private func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes = (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return
        }
        let position = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
        case 1: bytes.removeSubrange(position...)
        case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: position)
        case 3: bytes[position] = [0x00, 0xFF, 0x80, 0x7F, 0x22, 0x5C, 0x7B].randomElement(using: &rng)!
        case 4:
            let end = min(bytes.count, position + Int.random(in: 1...16, using: &rng))
            bytes.insert(contentsOf: bytes[position..<end], at: position)
        default: bytes.remove(at: position)
        }
    }

    private func randomJSON(
        for message: MessageDescriptor, set: DescriptorSet, depth: Int, using rng: inout SplitMix64
    ) -> JSONValue {
        var object = JSONObject()
        let keys = message.fields.flatMap { [$0.jsonName, $0.name] } + ["unknown", "@type", ""]
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            guard let key = keys.randomElement(using: &rng) else { break }
            let field = message.field(jsonKey: key)
            if let field, Int.random(in: 0..<3, using: &rng) > 0 {
                object[key] = plausibleValue(field, set: set, depth: depth, using: &rng)
            } else {
                object[key] = anyValue(depth: depth, using: &rng)
            }
        }
        return .object(object)
    }

    /// A value of roughly the right shape (often valid, sometimes just wrong).
    private func plausibleValue(
        _ field: FieldDescriptor, set: DescriptorSet, depth: Int, using rng: inout SplitMix64
    ) -> JSONValue {
        func single() -> JSONValue {
            if field.isMessage, let type = field.messageType(in: set), depth < 4 {
                if type.fullName.hasPrefix("google.protobuf.") { return anyValue(depth: depth + 1, using: &rng) }
                return randomJSON(for: type, set: set, depth: depth + 1, using: &rng)
            }
            if field.type == .enum, let type = field.enumType(in: set), let value = type.values.randomElement(using: &rng) {
                return Bool.random(using: &rng) ? .string(value.name) : .int(value.number)
            }
            return anyValue(depth: 3, using: &rng)
        }
        if field.isMap {
            return .object(JSONObject((0..<Int.random(in: 0...2, using: &rng)).map { _ in
                ([String(Int.random(in: -3...3, using: &rng)), "true", "k", "1e2"].randomElement(using: &rng)!, single())
            }))
        }
        if field.isList { return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in single() }) }
        return single()
    }

    private func anyValue(depth: Int, using rng: inout SplitMix64) -> JSONValue {
        let scalars: [JSONValue] = [
            .null, true, false, 0, -1, .number("1e3"), .number("1.5"), .number("-0"), .number("1e400"),
            .number("18446744073709551616"), .number("9223372036854775807"), "", "NaN", "Infinity", "-Infinity",
            "12", "-9223372036854775809", "1970-01-01T00:00:00Z", "9999-12-31T23:59:60Z", "1.5s", "-0.000000001s",
            "a,b", "fooBar", "AAAA", "A===", "😀", "COLOR_RED", "\u{0}",
        ]
        if depth >= 3 || Bool.random(using: &rng) { return scalars.randomElement(using: &rng)! }
        if Bool.random(using: &rng) {
            return .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in anyValue(depth: depth + 1, using: &rng) })
        }
        return .object(JSONObject((0..<Int.random(in: 0...3, using: &rng)).map { i in
            (["@type", "value", "a", "seconds", String(i)].randomElement(using: &rng)!, anyValue(depth: depth + 1, using: &rng))
        }))
    }
}
