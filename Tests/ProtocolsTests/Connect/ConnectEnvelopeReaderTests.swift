import Protocols
import Testing

/// Enveloped streaming bodies: framing, incremental reading across any chunking, limits.
@Suite struct ConnectEnvelopeReaderTests {
    static let body: [UInt8] =
        ConnectEnvelope.frame(Array(#"{"text":"a"}"#.utf8)) + ConnectEnvelope.frame([])
        + ConnectEnvelope.frame([UInt8](repeating: 7, count: 300))
        + ConnectEnvelope.frameEndStream(ConnectEndStream(metadata: [("k", ["v"])]))

    @Test func framesMessages() {
        #expect(ConnectEnvelope.frame([1, 2, 3]) == [0, 0, 0, 0, 3, 1, 2, 3])
        #expect(ConnectEnvelope.frameEndStream(ConnectEndStream()) == [2, 0, 0, 0, 2] + Array("{}".utf8))
        #expect(ConnectEnvelope.frame([9], flags: 1) == [1, 0, 0, 0, 1, 9])
    }

    // However the body is cut into chunks, the same envelopes come out.
    @Test(arguments: [1, 2, 3, 5, 7, 64, 10_000])
    func readsAcrossChunkBoundaries(chunkSize: Int) throws {
        var reader = ConnectEnvelopeReader(maximumMessageBytes: 1024)
        var envelopes: [ConnectEnvelope] = []
        var offset = 0
        while offset < Self.body.count {
            let end = min(Self.body.count, offset + chunkSize)
            envelopes += try reader.append(Array(Self.body[offset..<end]))
            offset = end
        }
        try reader.finish()
        #expect(envelopes.map(\.payload.count) == [12, 0, 300, 24])
        #expect(envelopes.map(\.isEndStream) == [false, false, false, true])
        #expect(reader.hasEnded && reader.isEmpty)
        let end = try ConnectEndStream(payload: envelopes[3].payload)
        #expect(end.metadata.first?.key == "k")
    }

    @Test func refusesOversizedCompressedAndMalformedStreams() throws {
        var small = ConnectEnvelopeReader(maximumMessageBytes: 10)
        let tooLarge = #expect(throws: ConnectEnvelopeReader.Failure.self) { try small.append([0, 0, 0, 0, 11]) }
        #expect(tooLarge?.code == .tooLarge)
        #expect(tooLarge?.connectError.code == .resourceExhausted)
        #expect(tooLarge?.message == "message of 11 bytes exceeds the limit of 10 bytes")
        // Failures are sticky.
        #expect(throws: ConnectEnvelopeReader.Failure.self) { try small.append([]) }

        var compressed = ConnectEnvelopeReader(maximumMessageBytes: 10)
        let compressedError = #expect(throws: ConnectEnvelopeReader.Failure.self) { try compressed.append([1, 0, 0, 0, 0]) }
        #expect(compressedError?.connectError.code == .unimplemented)
        // A stream that named its compression may flag envelopes compressed.
        var named = ConnectEnvelopeReader(maximumMessageBytes: 10, acceptsCompressed: true)
        let envelopes = try named.append([1, 0, 0, 0, 1, 7])
        #expect(envelopes.map(\.isCompressed) == [true] && envelopes.first?.payload == [7])

        var flags = ConnectEnvelopeReader(maximumMessageBytes: 10)
        #expect((#expect(throws: ConnectEnvelopeReader.Failure.self) { try flags.append([0x80, 0, 0, 0, 0]) })?.code == .invalidFlags)

        var after = ConnectEnvelopeReader(maximumMessageBytes: 10)
        #expect((#expect(throws: ConnectEnvelopeReader.Failure.self) { try after.append([2, 0, 0, 0, 0, 0]) })?.code == .dataAfterEndStream)
        var later = ConnectEnvelopeReader(maximumMessageBytes: 10)
        #expect(try later.append([2, 0, 0, 0, 0]).count == 1)
        #expect(try later.append([]).isEmpty)
        #expect((#expect(throws: ConnectEnvelopeReader.Failure.self) { try later.append([0]) })?.code == .dataAfterEndStream)

        var truncated = ConnectEnvelopeReader(maximumMessageBytes: 10)
        #expect(try truncated.append([0, 0, 0, 0, 4, 1]).isEmpty)
        #expect((#expect(throws: ConnectEnvelopeReader.Failure.self) { try truncated.finish() })?.code == .truncated)
    }
}
