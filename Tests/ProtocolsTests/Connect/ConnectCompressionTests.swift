import Protocols
import Runtime
import Testing

/// Request compression: `identity` and `gzip` (what Connect clients send by default), others refused.
@Suite struct ConnectCompressionTests {
    /// gzip of `{"left":1}` (Python `gzip.compress(..., mtime=0)`).
    static let gzipped: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xAB, 0x56, 0xCA, 0x49, 0x4D, 0x2B, 0x51, 0xB2, 0x32,
        0xAC, 0x05, 0x00, 0x02, 0xCD, 0x3F, 0x06, 0x0A, 0x00, 0x00, 0x00,
    ]
    /// gzip of 5000 zero bytes.
    static let zeros: [UInt8] = [
        0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xED, 0xC1, 0x31, 0x01, 0x00, 0x00, 0x00, 0xC2, 0xA0,
        0xF5, 0x4F, 0x6D, 0x0A, 0x3F, 0xA0, 0x00, 0x00, 0x00, 0x00, 0x80, 0xB7, 0x01, 0xA8, 0x0E, 0xE5, 0xD8, 0x88, 0x13,
        0x00, 0x00,
    ]

    @Test func parsesTheNamesItServes() throws {
        #expect(try ConnectCompression.parse(nil) == .identity)
        #expect(try ConnectCompression.parse("") == .identity)
        #expect(try ConnectCompression.parse("identity") == .identity)
        #expect(try ConnectCompression.parse(" GZIP ") == .gzip)
        let error = #expect(throws: ConnectProtocolError.self) { try ConnectCompression.parse("br") }
        #expect(error?.code.name == "unimplemented")
        #expect(error?.message == #"compression "br" is not supported (use gzip or identity)"#)
    }

    @Test func decompressesGzip() throws {
        #expect(try ConnectCompression.gzip.decompress(Self.gzipped, limit: 100) == Array(#"{"left":1}"#.utf8))
        #expect(try ConnectCompression.gzip.decompress(Self.zeros, limit: 5000) == [UInt8](repeating: 0, count: 5000))
        // Two members decode to both; identity leaves bytes alone.
        #expect(try GzipDecoder.decompress(Self.gzipped + Self.gzipped, limit: 100) == Array(#"{"left":1}{"left":1}"#.utf8))
        #expect(try ConnectCompression.identity.decompress([1, 2, 3], limit: 1) == [1, 2, 3])
    }

    @Test func refusesBombsAndGarbage() {
        let large = #expect(throws: ConnectProtocolError.self) { try ConnectCompression.gzip.decompress(Self.zeros, limit: 4999) }
        #expect(large?.code.name == "resource_exhausted")
        for bad in [Array(#"{"left":1}"#.utf8), Array(Self.gzipped.dropLast(3)), Self.gzipped + [0x00], [0x1F]] {
            let error = #expect(throws: ConnectProtocolError.self) { try ConnectCompression.gzip.decompress(bad, limit: 100) }
            #expect(error?.code.name == "invalid_argument")
        }
    }

    @Test func getQueriesNameTheirCompression() throws {
        let request = try ConnectGetRequest(query: "encoding=json&compression=gzip&base64=1&message=H4sIAAAAAAACA6tWyklNK1GyMqwFAALNPwYKAAAA")
        #expect(request.compression == .gzip)
        #expect(try request.compression.decompress(request.message, limit: 100) == Array(#"{"left":1}"#.utf8))
        #expect(try ConnectGetRequest(query: "encoding=json&message=").compression == .identity)
    }
}
