import CNghttp2

/// A request sent many times unchanged (a load generator's request): the header block is
/// rendered once into an nghttp2 name/value array over bytes this object owns, and the body
/// is kept as one immutable buffer that every send reads from. Starting a stream with it
/// copies nothing on the Swift side; nghttp2 copies the fields into its HPACK encoder and
/// the body into DATA frames, as it must.
///
/// Immutable after `init`, so one instance is shared by every loop of a load generator.
public final class PreparedRequest: @unchecked Sendable {
    public let method: String
    public let path: String
    public let authority: String
    public let headers: HTTPHeaders
    /// The request body, sent as one DATA run ending the stream (empty: HEADERS end it).
    public let body: [UInt8]
    /// Pseudo-headers then `headers` (connection-specific ones dropped); immutable after init.
    let nameValues: UnsafeMutableBufferPointer<nghttp2_nv>
    private let bytes: UnsafeMutableBufferPointer<UInt8>

    public init(method: String, path: String, authority: String, scheme: String = "http", headers: HTTPHeaders, body: [UInt8]) {
        self.method = method
        self.path = path
        self.authority = authority
        self.headers = headers
        self.body = body
        var fields = [HTTPField(name: ":method", value: method), HTTPField(name: ":scheme", value: scheme),
                      HTTPField(name: ":authority", value: authority), HTTPField(name: ":path", value: path)]
        for field in headers where !HTTP2HeaderBlock.isConnectionSpecific(field.name) && !field.name.hasPrefix(":") && field.name != "host" {
            fields.append(field)
        }
        let total = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        bytes = .allocate(capacity: max(total, 1))
        nameValues = .allocate(capacity: fields.count)
        var offset = 0
        for (index, field) in fields.enumerated() {
            let name = bytes.baseAddress! + offset
            offset += UnsafeMutableBufferPointer(start: name, count: field.name.utf8.count).initialize(from: field.name.utf8).1
            let value = bytes.baseAddress! + offset
            offset += UnsafeMutableBufferPointer(start: value, count: field.value.utf8.count).initialize(from: field.value.utf8).1
            nameValues[index] = octo_nv(name, field.name.utf8.count, value, field.value.utf8.count)
        }
    }

    deinit {
        bytes.deallocate()
        nameValues.deallocate()
    }
}
