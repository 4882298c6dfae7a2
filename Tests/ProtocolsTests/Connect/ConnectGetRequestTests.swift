import Protocols
import Testing

/// Connect unary GET queries: `connect`, `encoding`, `message`, `base64`, `compression`.
@Suite struct ConnectGetRequestTests {
    @Test(arguments: [
        ("encoding=json&message=%7B%22left%22%3A1%7D", ConnectContentType.Codec.json, #"{"left":1}"#),
        ("connect=v1&encoding=json&message=%7B%7D&compression=identity", .json, "{}"),
        ("message=a+b%2Bc&encoding=json", .json, "a b+c"),
        ("encoding=json&message=", .json, ""),
        ("encoding=json&message=eyJhIjoxfQ&base64=1", .json, #"{"a":1}"#),
        ("encoding=json&message=eyJhIjoxfQ%3D%3D&base64=1", .json, #"{"a":1}"#),
        ("encoding=json&message=%7B%7D&base64=0&cachebust=123&connect=v1", .json, "{}"),
    ] as [(String, ConnectContentType.Codec, String)])
    func decodesMessages(query: String, codec: ConnectContentType.Codec, message: String) throws {
        let request = try ConnectGetRequest(query: query)
        #expect(request.codec == codec)
        #expect(request.message == Array(message.utf8))
    }

    // Binary messages survive byte-exact: percent-encoded raw bytes, or base64url.
    @Test func keepsBinaryMessagesExact() throws {
        let bytes: [UInt8] = [0x08, 0x96, 0x01, 0x12, 0x00, 0xFF, 0xFE]
        let percent = bytes.map { "%" + String($0, radix: 16, uppercase: true).leftPadded() }.joined()
        #expect(try ConnectGetRequest(query: "encoding=proto&message=" + percent).message == bytes)
        #expect(try ConnectGetRequest(query: "encoding=proto&base64=1&message=CJYBEgD__g").message == bytes)
        #expect(try ConnectGetRequest(query: "encoding=proto&base64=1&message=CJYBEgD%2F%2Fg%3D%3D").message == bytes)
    }

    @Test(arguments: [
        ("message=%7B%7D", "missing query parameter encoding", "invalid_argument"),
        ("encoding=json", "missing query parameter message", "invalid_argument"),
        ("encoding=xml&message=", #"unsupported encoding "xml": expected "json" or "proto""#, "invalid_argument"),
        ("connect=v2&encoding=json&message=", #"unsupported connect protocol version "v2": expected "v1""#, "invalid_argument"),
        ("encoding=json&message=&compression=br", #"compression "br" is not supported (use gzip or identity)"#, "unimplemented"),
        ("encoding=json&message=&base64=true", #"invalid base64 parameter "true": expected 0 or 1"#, "invalid_argument"),
        ("encoding=json&message=%%%&base64=1", "invalid percent-encoding in query parameter message", "invalid_argument"),
        ("encoding=json&message=%G0", "invalid percent-encoding in query parameter message", "invalid_argument"),
        ("encoding=json&message=a&message=b", "query parameter message is given twice", "invalid_argument"),
        ("encoding=json&encoding=json&message=", "query parameter encoding is given twice", "invalid_argument"),
        ("encoding=json&message=***&base64=1", "query parameter message is not valid base64", "invalid_argument"),
    ])
    func refusesBadQueries(query: String, message: String, code: String) {
        let error = #expect(throws: ConnectProtocolError.self) { try ConnectGetRequest(query: query) }
        #expect(error?.message == message)
        #expect(error?.code.name == code)
        #expect(error?.connectError.json["code"] == .string(code))
    }
}

extension String {
    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
