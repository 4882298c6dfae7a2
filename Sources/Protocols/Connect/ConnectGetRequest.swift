/// A Connect unary GET request's query (Connect protocol, "Unary-Get-Request"): the message
/// travels in the URL, so side-effect-free methods can be cached.
///
/// Parameters (`application/x-www-form-urlencoded`: `+` is a space, `%XX` a byte):
/// - `connect`: optional; if present it must be `v1` (the `Connect-Protocol-Version` header
///   is optional at OctoBus, SPEC §8.4, so its query twin is too);
/// - `encoding`: required, `json` or `proto`;
/// - `message`: required (may be empty: an empty JSON message means `{}`); the percent-decoded
///   bytes, or when `base64=1` the base64 (standard or URL-safe, padded or not) they spell;
/// - `base64`: optional, `1` (base64) or `0`;
/// - `compression`: optional, `identity` or `gzip` (``ConnectCompression``; the caller
///   decompresses ``message``).
///
/// Each of these may appear once; other parameters (cache busters) are ignored.
public struct ConnectGetRequest: Sendable, Equatable {
    /// The message codec (`encoding`).
    public let codec: ConnectContentType.Codec
    /// The message bytes (ProtoJSON text or protobuf binary), still compressed with ``compression``.
    public let message: [UInt8]
    /// How ``message`` is compressed (`compression`).
    public let compression: ConnectCompression

    /// A request from its parts.
    public init(codec: ConnectContentType.Codec, message: [UInt8], compression: ConnectCompression = .identity) {
        self.codec = codec
        self.message = message
        self.compression = compression
    }

    /// Decodes the query string (without the leading `?`).
    /// - Throws: ``ConnectProtocolError``: `invalid_argument` for a missing, repeated or
    ///   invalid parameter, `unimplemented` for a compression other than `identity` or `gzip`.
    public init(query: String) throws(ConnectProtocolError) {
        var values: [String: [UInt8]] = [:]
        let known: Set<String> = ["connect", "encoding", "message", "base64", "compression"]
        for pair in Array(query.utf8).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = equals.map { pair[pair.startIndex..<$0] } ?? pair[...]
            let rawValue = equals.map { pair[pair.index(after: $0)...] } ?? ArraySlice<UInt8>()
            guard let nameBytes = Self.formDecode(rawName) else {
                throw ConnectProtocolError("invalid percent-encoding in a query parameter name")
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard known.contains(name) else { continue }
            guard values[name] == nil else { throw ConnectProtocolError("query parameter \(name) is given twice") }
            guard let value = Self.formDecode(rawValue) else {
                throw ConnectProtocolError("invalid percent-encoding in query parameter \(name)")
            }
            values[name] = value
        }
        func text(_ name: String) -> String? { values[name].map { String(decoding: $0, as: UTF8.self) } }

        if let connect = text("connect"), connect != "v1" {
            throw ConnectProtocolError("unsupported connect protocol version \(JSONWriter.quoted(connect)): expected \"v1\"")
        }
        guard let encoding = text("encoding") else { throw ConnectProtocolError("missing query parameter encoding") }
        guard let codec = ConnectContentType.Codec(rawValue: encoding) else {
            throw ConnectProtocolError("unsupported encoding \(JSONWriter.quoted(encoding)): expected \"json\" or \"proto\"")
        }
        let compression = try ConnectCompression.parse(text("compression"))
        var isBase64 = false
        switch text("base64") {
        case nil, "0"?, ""?: isBase64 = false
        case "1"?: isBase64 = true
        case let other?: throw ConnectProtocolError("invalid base64 parameter \(JSONWriter.quoted(other)): expected 0 or 1")
        }
        guard var message = values["message"] else { throw ConnectProtocolError("missing query parameter message") }
        if isBase64 {
            guard let decoded = ProtoJSONBase64.decode(String(decoding: message, as: UTF8.self)) else {
                throw ConnectProtocolError("query parameter message is not valid base64")
            }
            message = decoded
        }
        self.init(codec: codec, message: message, compression: compression)
    }

    /// Form-decodes bytes: `+` → space, `%XX` → the byte; nil for a `%` not followed by two
    /// hex digits.
    static func formDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard bytes.endIndex - index >= 3, let high = PercentEncoding.hex(bytes[index + 1]),
                    let low = PercentEncoding.hex(bytes[index + 2])
                else { return nil }
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(byte == UInt8(ascii: "+") ? 32 : byte)
                index += 1
            }
        }
        return out
    }
}
