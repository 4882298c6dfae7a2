import Testing

@testable import Protocols

/// The ProtoJSON value forms on their own: number text, base64, timestamps, durations,
/// field masks, and the comment cleanup of descriptors.
@Suite struct ProtoJSONFormsTests {
    // ECMAScript `Number.prototype.toString`, as JSON.stringify and Go's protojson write.
    @Test(
        arguments: [
            (0.0, "0"), (-0.0, "-0"), (1, "1"), (-1.5, "-1.5"), (100, "100"), (0.1, "0.1"), (1e21, "1e+21"),
            (1e20, "100000000000000000000"), (1.2345678901234568e20, "123456789012345680000"), (1e-6, "0.000001"),
            (1e-7, "1e-7"), (1.5e-7, "1.5e-7"), (.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (9_007_199_254_740_992, "9007199254740992"), (0.000123, "0.000123"), (2.5e300, "2.5e+300"),
            (1234.5678, "1234.5678"), (42, "42"), (-9_007_199_254_740_992, "-9007199254740992"),
            (0x1p60, "1152921504606847000"), (1e17, "100000000000000000"), (-3, "-3"),
        ] as [(Double, String)])
    func formatsDoubles(value: Double, text: String) {
        #expect(ProtoJSONNumber.format(value) == text)
    }

    @Test(
        arguments: [
            (Float(0.1), "0.1"), (3.4028235e38, "3.4028235e+38"), (.leastNonzeroMagnitude, "1e-45"),
            (16_777_216, "16777216"), (-2.5, "-2.5"),
            (1e10, "10000000000"), (3e17, "300000000000000000"), (-0.0, "-0"), (7, "7"),
        ] as [(Float, String)])
    func formatsFloatsByTheirOwnShortestForm(value: Float, text: String) {
        #expect(ProtoJSONNumber.format(value) == text)
        #expect(Float(text) == value)
    }

    @Test(
        arguments: [
            ("0", ProtoJSONNumber.Integer.value(negative: false, magnitude: 0)),
            ("-0", .value(negative: true, magnitude: 0)),
            ("007", .value(negative: false, magnitude: 7)),
            ("1e3", .value(negative: false, magnitude: 1000)),
            ("1.5e1", .value(negative: false, magnitude: 15)),
            ("1500e-2", .value(negative: false, magnitude: 15)),
            ("5.000", .value(negative: false, magnitude: 5)),
            ("0e999999999999", .value(negative: false, magnitude: 0)),
            ("18446744073709551615", .value(negative: false, magnitude: .max)),
            ("-9223372036854775808", .value(negative: true, magnitude: 9_223_372_036_854_775_808)),
            ("18446744073709551616", .overflow),
            ("1e20", .overflow),
            ("1e999999999999999999999", .overflow),
            ("1.5", .notInteger),
            ("1e-1", .notInteger),
            ("", .invalid), ("-", .invalid), ("1.", .invalid), (".5", .invalid), ("1e", .invalid), ("+1", .invalid),
            (" 1", .invalid), ("0x10", .invalid), ("1_000", .invalid), ("NaN", .invalid),
        ] as [(String, ProtoJSONNumber.Integer)])
    func parsesIntegersExactly(text: String, expected: ProtoJSONNumber.Integer) {
        #expect(ProtoJSONNumber.parseInteger(text) == expected)
    }

    // RFC 4648 test vectors; decoding accepts both alphabets, with or without padding.
    @Test(arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ])
    func encodesAndDecodesBase64(plain: String, encoded: String) {
        #expect(ProtoJSONBase64.encode(Array(plain.utf8)) == encoded)
        #expect(ProtoJSONBase64.decode(encoded) == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(ProtoJSONBase64.decode(unpadded) == Array(plain.utf8))
    }

    @Test func decodesBothBase64Alphabets() {
        #expect(ProtoJSONBase64.decode("+/+/") == [0xFB, 0xFF, 0xBF])
        #expect(ProtoJSONBase64.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        for bad in ["a", "abcde", "ab=", "a===", "ab=c", "a b", "ab\n", "abc=="] {
            #expect(ProtoJSONBase64.decode(bad) == nil, "\(bad)")
        }
        let all = (0...255).map(UInt8.init)
        #expect(ProtoJSONBase64.decode(ProtoJSONBase64.encode(all)) == all)
    }

    @Test(
        arguments: [
            (Int64(0), Int32(0), "1970-01-01T00:00:00Z"),
            (1_704_067_200, 123_000_000, "2024-01-01T00:00:00.123Z"),
            (951_782_400, 120_000, "2000-02-29T00:00:00.000120Z"),
            (-1, 999_999_999, "1969-12-31T23:59:59.999999999Z"),
            (-62_135_596_800, 0, "0001-01-01T00:00:00Z"),
            (253_402_300_799, 1, "9999-12-31T23:59:59.000000001Z"),
            (4_107_542_400, 0, "2100-03-01T00:00:00Z"),
        ] as [(Int64, Int32, String)])
    func formatsAndParsesTimestamps(seconds: Int64, nanos: Int32, text: String) throws {
        #expect(try ProtoJSONTime.formatTimestamp(seconds: seconds, nanos: nanos) == text)
        let parsed = try ProtoJSONTime.parseTimestamp(text)
        #expect(parsed.seconds == seconds && parsed.nanos == nanos)
    }

    @Test func parsesTimestampOffsets() throws {
        #expect(try ProtoJSONTime.parseTimestamp("2024-01-01T08:30:00+08:30").seconds == 1_704_067_200)
        #expect(try ProtoJSONTime.parseTimestamp("2023-12-31t19:00:00-05:00").seconds == 1_704_067_200)
        #expect(try ProtoJSONTime.parseTimestamp("2024-01-01T00:00:00.5z").nanos == 500_000_000)
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("9999-12-31T23:59:59-00:01") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-01-01 00:00:00Z") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-1-01T00:00:00Z") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-01-01T00:00:00.Z") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-01-01T00:00:00+0800") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-04-31T00:00:00Z") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("1900-02-29T00:00:00Z") }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONTime.parseTimestamp("2024-01-01T24:00:00Z") }
    }

    // Every day of the supported range converts both ways (sampled, seeded).
    @Test func convertsCalendarDatesBothWays() throws {
        var random = SplitMix64(seed: 99)
        for _ in 0..<5000 {
            let seconds =
                ProtoJSONTime.minimumTimestampSeconds
                + Int64(
                    random.next()
                        % UInt64(ProtoJSONTime.maximumTimestampSeconds - ProtoJSONTime.minimumTimestampSeconds + 1))
            let nanos = Int32(random.next() % 1_000_000_000)
            let text = try ProtoJSONTime.formatTimestamp(seconds: seconds, nanos: nanos)
            let parsed = try ProtoJSONTime.parseTimestamp(text)
            #expect(parsed.seconds == seconds && parsed.nanos == nanos, "\(text)")
        }
        #expect(ProtoJSONTime.days(fromCivil: 1970, 1, 1) == 0)
        #expect(ProtoJSONTime.civil(fromDays: -719_162) == (1, 1, 1))
    }

    @Test(
        arguments: [
            (Int64(0), Int32(0), "0s"), (1, 0, "1s"), (-1, -500_000_000, "-1.500s"), (0, -1, "-0.000000001s"),
            (0, 10_000, "0.000010s"), (315_576_000_000, 999_999_999, "315576000000.999999999s"),
            (-315_576_000_000, 0, "-315576000000s"),
        ] as [(Int64, Int32, String)])
    func formatsAndParsesDurations(seconds: Int64, nanos: Int32, text: String) throws {
        #expect(try ProtoJSONTime.formatDuration(seconds: seconds, nanos: nanos) == text)
        let parsed = try ProtoJSONTime.parseDuration(text)
        #expect(parsed.seconds == seconds && parsed.nanos == nanos)
    }

    @Test func rejectsMalformedDurations() {
        for text in [
            "", "s", "1", "-s", "1.s", ".5s", "1.5S", "1.1234567891s", "+1s", "1 s", "99999999999999999999999s",
        ] {
            #expect(throws: ProtoJSONProblem.self, "\(text)") { try ProtoJSONTime.parseDuration(text) }
        }
    }

    @Test func convertsFieldMasks() throws {
        #expect(try ProtoJSONFieldMask.format(["user.display_name", "tags", "a_b_c"]) == "user.displayName,tags,aBC")
        #expect(try ProtoJSONFieldMask.parse("user.displayName,tags,aBC") == ["user.display_name", "tags", "a_b_c"])
        #expect(try ProtoJSONFieldMask.parse("") == [])
        #expect(try ProtoJSONFieldMask.format([]) == "")
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONFieldMask.format(["a__b"]) }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONFieldMask.format(["aB"]) }
        #expect(throws: ProtoJSONProblem.self) { try ProtoJSONFieldMask.parse("a_b") }
    }

    @Test(arguments: [
        (" Adds two numbers.\n", "Adds two numbers."),
        (" First.\n  Indented.\n\n Last.\n", "First.\n Indented.\n\nLast."),
        ("\n  \n", ""),
        ("No space", "No space"),
        (" Block comment. ", "Block comment."),
        (" Windows\r\n second line.\r\n", "Windows\nsecond line."),
    ])
    func cleansComments(raw: String, cleaned: String) {
        #expect(ProtoComments.clean(raw) == cleaned)
    }
}
