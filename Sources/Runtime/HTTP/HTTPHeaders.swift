import Glibc

/// One header field. A named struct rather than a tuple: arrays of tuples are destroyed
/// through the runtime's generic tuple witness, once per request head.
public struct HTTPField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields; names are stored lower-cased (HTTP/2 form)
/// and looked up case-insensitively.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [HTTPField]

    public init() { fields = [] }

    /// Empty, with room for `capacity` fields (spares the array regrowing field by field).
    public init(capacity: Int) {
        fields = []
        fields.reserveCapacity(capacity)
    }

    public init(_ fields: [(String, String)]) {
        self.fields = []
        self.fields.reserveCapacity(fields.count)
        for (name, value) in fields { add(name: name, value: value) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Appends a field (the name is lower-cased).
    public mutating func add(name: String, value: String) {
        fields.append(HTTPField(name: Self.lowercased(name), value: value))
    }

    public mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// Appends a field whose name is already lower-case (parsers, and proxies copying fields
    /// from another header block, use this: no case folding per field).
    public mutating func addLowercased(name: String, value: String) {
        fields.append(HTTPField(name: name, value: value))
    }

    public mutating func remove(name: String) {
        let lower = Self.lowercased(name)
        fields.removeAll { $0.name == lower }
    }

    /// The first value of `name`, if any.
    public subscript(name: String) -> String? {
        let lower = Self.lowercased(name)
        for field in fields where field.name == lower { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let lower = Self.lowercased(name)
        return fields.filter { $0.name == lower }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// `contains` for a name known to be lower-case (no case scan of the argument).
    func contains(lowercased name: String) -> Bool {
        fields.withUnsafeBufferPointer { fields in
            for index in fields.indices where fields[index].name == name { return true }
            return false
        }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[HTTPField]> {
        fields.makeIterator()
    }

    public var description: String {
        fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
    }

    /// ASCII lower-casing without allocation when the name is already lower-case.
    @inline(__always)
    static func lowercased(_ name: String) -> String {
        var needs = false
        for byte in name.utf8 where byte >= 65 && byte <= 90 { needs = true; break }
        return needs ? name.lowercased() : name
    }
}

/// The protocol version a request arrived with.
public enum HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    case http1_0, http1_1, http2
    public var description: String {
        switch self {
        case .http1_0: "HTTP/1.0"
        case .http1_1: "HTTP/1.1"
        case .http2: "HTTP/2"
        }
    }
}

extension HTTPHeaders {
    /// Connection-specific fields (RFC 9113 §8.2.2): HTTP/2 forbids them and a proxy must not
    /// forward them.
    public static func isConnectionSpecific(_ name: String) -> Bool {
        switch name.utf8.count {
        case 7: name == "upgrade"
        case 10: name == "connection" || name == "keep-alive"
        case 14: name == "http2-settings"
        case 16: name == "proxy-connection"
        case 17: name == "transfer-encoding"
        default: false
        }
    }
}

/// The head of a request as the server received it. Immutable and shared by reference:
/// handlers read it many times per request, and a class costs one retain per read where
/// a struct of strings would copy them all.
public final class HTTPRequestHead: Sendable {
    public let method: String
    /// The request target as sent: path plus optional `?query`.
    public let target: String
    public let version: HTTPVersion
    /// Regular headers (HTTP/2 pseudo-headers are not included).
    public let headers: HTTPHeaders
    /// `:authority` (HTTP/2) or `Host` (HTTP/1.1).
    public let authority: String?
    public let remoteAddress: String
    /// End of the path within `target` (start of `?query`, or the end).
    private let pathEnd: String.Index
    /// The same position as a UTF-8 byte count.
    private let pathByteCount: Int

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders, authority: String? = nil, remoteAddress: String = "") {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.authority = authority
        self.remoteAddress = remoteAddress
        pathByteCount = Self.queryStart(target)
        pathEnd = target.utf8.index(target.startIndex, offsetBy: pathByteCount)
    }

    /// Byte offset of `?` in `target`, or its length (memchr: the generic `firstIndex`
    /// walks the UTF-8 view one index at a time, and this runs for every request).
    private static func queryStart(_ target: String) -> Int {
        func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            guard let base = bytes.baseAddress, let found = memchr(base, 63, bytes.count) else { return bytes.count }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
        // Native strings are contiguous; the copy is only for the (bridged) rest.
        if let offset = target.utf8.withContiguousStorageIfAvailable(find) { return offset }
        var text = target
        return text.withUTF8(find)
    }

    /// The same request with another protocol version (h2c upgrade).
    public func with(version: HTTPVersion) -> HTTPRequestHead {
        HTTPRequestHead(method: method, target: target, version: version, headers: headers,
                        authority: authority, remoteAddress: remoteAddress)
    }

    /// The path without the query string.
    public var path: Substring { target[..<pathEnd] }

    /// The path as a String: the target itself when it has no query (gRPC paths never do),
    /// so routers keying dictionaries by path allocate nothing.
    public var pathString: String { pathEnd == target.endIndex ? target : String(path) }

    /// The raw query string without `?`, or "".
    public var query: Substring {
        pathEnd == target.endIndex ? "" : target[target.utf8.index(after: pathEnd)...]
    }

    /// Calls `body` with the path's UTF-8 bytes (no query), without making a string: routers
    /// compare them with memcmp.
    public func withPathBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let count = pathByteCount
        if let result = try target.utf8.withContiguousStorageIfAvailable({ try body(UnsafeBufferPointer(rebasing: $0[..<count])) }) {
            return result
        }
        var target = self.target
        return try target.withUTF8 { try body(UnsafeBufferPointer(rebasing: $0[..<count])) }
    }

    /// Whether the path is `prefix` or starts with `prefix/` (byte comparison, no Unicode work).
    public func pathHasSegmentPrefix(_ prefix: String) -> Bool {
        var prefix = prefix
        return withPathBytes { path in
            prefix.withUTF8 { p in
                guard path.count >= p.count,
                      p.isEmpty || memcmp(path.baseAddress!, p.baseAddress!, p.count) == 0 else { return false }
                return path.count == p.count || path[p.count] == UInt8(ascii: "/")
            }
        }
    }
}

/// The head of a response: status and headers.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: HTTPHeaders

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.headers = headers
    }
}

/// Reason phrases for the status line of HTTP/1.1 responses.
public enum HTTPStatusPhrase {
    public static func phrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 101: "Switching Protocols"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 499: "Client Closed Request"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
