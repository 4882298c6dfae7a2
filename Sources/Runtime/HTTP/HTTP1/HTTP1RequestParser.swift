/// Receives what ``HTTP1RequestParser`` finds; buffers are only valid during the call.
public protocol HTTP1ParserDelegate: AnyObject {
    func parserDidParseHead(_ head: HTTPRequestHead, framing: HTTP1BodyFraming, expectContinue: Bool)
    func parserDidParseBody(_ bytes: UnsafeRawBufferPointer)
    func parserDidFinishMessage(trailers: HTTPHeaders?)
}

/// How a request body is delimited (RFC 9112 §6).
public enum HTTP1BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
}

/// An incremental, allocation-light HTTP/1.1 request parser (RFC 9112), strict where
/// leniency enables request smuggling or header injection:
/// bare CR or LF, obsolete line folding, whitespace before the colon, duplicate or
/// malformed Content-Length, Content-Length together with Transfer-Encoding, and
/// control characters in values are all rejected.
///
/// The parser does no I/O. ``parse(_:delegate:)`` consumes as much of the input as
/// it can and returns how many bytes it used; the caller keeps the rest and calls again
/// with more data. It stops after each complete message, so a connection can finish
/// one response before the next pipelined request is looked at; call ``reset()`` then.
public struct HTTP1RequestParser: Sendable {
    private enum State: Sendable {
        /// Waiting for the end of the head; `scanned` bytes were already searched for CRLFCRLF.
        case head(scanned: Int)
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(scanned: Int)
        case complete
    }

    private var state: State = .head(scanned: 0)
    public let limits: HTTP1Limits
    /// The peer address, copied into each head.
    public var remoteAddress: String = ""

    public init(limits: HTTP1Limits = .default) {
        self.limits = limits
    }

    /// True after a whole message was parsed and before ``reset()``.
    public var isMessageComplete: Bool {
        if case .complete = state { return true }
        return false
    }

    /// True while no byte of the next message has been consumed.
    public var isIdle: Bool {
        if case .head(let scanned) = state { return scanned == 0 }
        return false
    }

    /// Prepares for the next request on the connection.
    public mutating func reset() {
        state = .head(scanned: 0)
    }

    /// Parses from `bytes`; returns the number of bytes consumed.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, delegate: some HTTP1ParserDelegate) throws(HTTP1ParseError) -> Int {
        var offset = 0
        while offset < bytes.count || isBodyEndWithoutBytes {
            switch state {
            case .complete:
                return offset
            case .head(let scanned):
                // RFC 9112 §2.2: ignore empty lines before a request line (some clients send
                // an extra CRLF after a body).
                if scanned == 0, bytes.count - offset >= 2, bytes[offset] == 13, bytes[offset + 1] == 10 {
                    offset += 2
                    continue
                }
                let window = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard let end = Self.findHeadEnd(window, from: scanned) else {
                    if window.count > limits.maximumHeadBytes {
                        throw HTTP1ParseError(status: 431, "request header section exceeds \(limits.maximumHeadBytes) bytes")
                    }
                    try Self.checkPartialRequestLine(window, limits: limits)
                    // A bare LF can never become part of a valid head: answer now instead of
                    // waiting for a CRLFCRLF that will not come (only new bytes are scanned).
                    try Self.checkBareLineFeeds(window, from: max(0, scanned - 1))
                    state = .head(scanned: max(0, window.count - 3))
                    return offset
                }
                if end > limits.maximumHeadBytes {
                    throw HTTP1ParseError(status: 431, "request header section exceeds \(limits.maximumHeadBytes) bytes")
                }
                let headBytes = UnsafeRawBufferPointer(rebasing: window[..<end])
                offset += end + 4
                try parseHead(headBytes, delegate: delegate)
            case .fixedBody(let remaining):
                let take = min(remaining, bytes.count - offset)
                if take > 0 {
                    delegate.parserDidParseBody(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                    offset += take
                }
                if remaining - take == 0 {
                    state = .complete
                    delegate.parserDidFinishMessage(trailers: nil)
                    return offset
                }
                state = .fixedBody(remaining: remaining - take)
            case .chunkSize:
                let window = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                guard let lineEnd = try Self.findLineEnd(window, limit: limits.maximumChunkLineBytes, what: "chunk size line") else {
                    return offset
                }
                let size = try Self.parseChunkSize(UnsafeRawBufferPointer(rebasing: window[..<lineEnd]))
                offset += lineEnd + 2
                state = size == 0 ? .trailers(scanned: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, bytes.count - offset)
                delegate.parserDidParseBody(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + take]))
                offset += take
                state = remaining - take == 0 ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                guard bytes.count - offset >= 2 else {
                    if bytes.count - offset == 1 && bytes[offset] != 13 {
                        throw HTTP1ParseError(status: 400, "chunk data is not followed by CRLF")
                    }
                    return offset
                }
                guard bytes[offset] == 13, bytes[offset + 1] == 10 else {
                    throw HTTP1ParseError(status: 400, "chunk data is not followed by CRLF")
                }
                offset += 2
                state = .chunkSize
            case .trailers(let scanned):
                let window = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                // An empty trailer section is just CRLF.
                if window.count >= 2 && window[0] == 13 && window[1] == 10 {
                    offset += 2
                    state = .complete
                    delegate.parserDidFinishMessage(trailers: nil)
                    return offset
                }
                guard let end = Self.findHeadEnd(window, from: scanned) else {
                    if window.count > limits.maximumHeadBytes {
                        throw HTTP1ParseError(status: 431, "request trailer section exceeds \(limits.maximumHeadBytes) bytes")
                    }
                    if window.count >= 1 && window[0] != 13 && !Self.isTokenByte(window[0]) {
                        throw HTTP1ParseError(status: 400, "malformed trailer field")
                    }
                    state = .trailers(scanned: max(0, window.count - 3))
                    return offset
                }
                var trailers = HTTPHeaders()
                try Self.parseFields(UnsafeRawBufferPointer(rebasing: window[..<end]), into: &trailers, limits: limits)
                offset += end + 4
                state = .complete
                delegate.parserDidFinishMessage(trailers: trailers)
                return offset
            }
        }
        return offset
    }

    /// A zero-length fixed body completes without consuming input.
    private var isBodyEndWithoutBytes: Bool {
        if case .fixedBody(0) = state { return true }
        return false
    }

    private mutating func parseHead(_ head: UnsafeRawBufferPointer, delegate: some HTTP1ParserDelegate) throws(HTTP1ParseError) {
        // Request line.
        guard let lineEnd = Self.firstCRLF(head) ?? (head.isEmpty ? nil : head.count) else {
            throw HTTP1ParseError(status: 400, "empty request line")
        }
        let line = UnsafeRawBufferPointer(rebasing: head[..<lineEnd])
        if line.count > limits.maximumRequestLineBytes {
            throw HTTP1ParseError(status: 414, "request line exceeds \(limits.maximumRequestLineBytes) bytes")
        }
        let (method, target, version) = try Self.parseRequestLine(line)

        var headers = HTTPHeaders()
        if lineEnd < head.count {
            try Self.parseFields(UnsafeRawBufferPointer(rebasing: head[(lineEnd + 2)...]), into: &headers, limits: limits)
        }

        // Framing (RFC 9112 §6.3).
        let contentLengths = headers.values("content-length")
        let transferEncodings = headers.values("transfer-encoding")
        var framing = HTTP1BodyFraming.none
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                throw HTTP1ParseError(status: 400, "both Transfer-Encoding and Content-Length are present")
            }
            if version == .http1_0 {
                throw HTTP1ParseError(status: 400, "Transfer-Encoding is not allowed in HTTP/1.0 requests")
            }
            let codings = transferEncodings.joined(separator: ",").split(separator: ",").map {
                $0.trimmingASCIIWhitespace().lowercased()
            }
            guard codings.last == "chunked" else {
                throw HTTP1ParseError(status: 400, "Transfer-Encoding must end with chunked")
            }
            // RFC 9112 §6.1: chunked must not be applied more than once — a framing error, not
            // an unsupported coding.
            if codings.dropLast().contains("chunked") {
                throw HTTP1ParseError(status: 400, "chunked transfer coding is applied more than once")
            }
            guard codings.count == 1 else {
                throw HTTP1ParseError(status: 501, "unsupported transfer coding \"\(codings[0])\"")
            }
            framing = .chunked
        } else if !contentLengths.isEmpty {
            guard contentLengths.count == 1 else {
                throw HTTP1ParseError(status: 400, "duplicate Content-Length header")
            }
            let text = contentLengths[0]
            guard !text.isEmpty, text.utf8.count <= 18, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(text) else {
                throw HTTP1ParseError(status: 400, "invalid Content-Length \"\(text.prefix(40))\"")
            }
            framing = length > 0 ? .length(length) : .none
        }

        let hosts = headers.values("host")
        if hosts.count > 1 { throw HTTP1ParseError(status: 400, "duplicate Host header") }
        if version == .http1_1 && hosts.isEmpty { throw HTTP1ParseError(status: 400, "missing Host header") }

        var expectContinue = false
        if let expect = headers["expect"] {
            guard expect.lowercased() == "100-continue" else {
                throw HTTP1ParseError(status: 417, "unsupported Expect \"\(expect.prefix(40))\"")
            }
            expectContinue = version == .http1_1 && framing != .none
        }

        switch framing {
        case .none: state = .fixedBody(remaining: 0)
        case .length(let n): state = .fixedBody(remaining: n)
        case .chunked: state = .chunkSize
        }
        let request = HTTPRequestHead(
            method: method, target: target, version: version, headers: headers,
            authority: hosts.first, remoteAddress: remoteAddress
        )
        delegate.parserDidParseHead(request, framing: framing, expectContinue: expectContinue)
    }

    // MARK: - Lexical helpers

    /// Index of CRLFCRLF in `bytes`, starting the search at `from`.
    static func findHeadEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        let count = bytes.count
        guard count >= 4 else { return nil }
        var i = max(0, from)
        while i + 3 < count {
            // Skip quickly to the next CR.
            if bytes[i + 3] != 10 { i += 1; continue }
            if bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 { return i }
            i += 1
        }
        return nil
    }

    static func firstCRLF(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == 13 && bytes[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Finds CRLF within `limit` bytes; nil if more input is needed.
    static func findLineEnd(_ bytes: UnsafeRawBufferPointer, limit: Int, what: String) throws(HTTP1ParseError) -> Int? {
        let scan = min(bytes.count, limit + 2)
        var i = 0
        while i < scan {
            let b = bytes[i]
            if b == 13 {
                if i + 1 >= bytes.count { return nil }
                if bytes[i + 1] == 10 { return i }
                throw HTTP1ParseError(status: 400, "bare CR in \(what)")
            }
            if b == 10 { throw HTTP1ParseError(status: 400, "bare LF in \(what)") }
            i += 1
        }
        if bytes.count > limit { throw HTTP1ParseError(status: 400, "\(what) exceeds \(limit) bytes") }
        return nil
    }

    /// Throws on an LF at or after `from` that is not preceded by CR.
    static func checkBareLineFeeds(_ bytes: UnsafeRawBufferPointer, from: Int) throws(HTTP1ParseError) {
        var i = from
        while i < bytes.count {
            if bytes[i] == 10, i == 0 || bytes[i - 1] != 13 {
                throw HTTP1ParseError(status: 400, "bare LF in request head")
            }
            i += 1
        }
    }

    /// Rejects garbage early (before a full head arrived): the first bytes must look like a method.
    static func checkPartialRequestLine(_ bytes: UnsafeRawBufferPointer, limits: HTTP1Limits) throws(HTTP1ParseError) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 32 { break }
            if !isTokenByte(b) { throw HTTP1ParseError(status: 400, "malformed request line") }
            i += 1
            if i > 32 { throw HTTP1ParseError(status: 400, "malformed request line: method too long") }
        }
        if let lineEnd = firstCRLF(bytes) ?? (bytes.count > limits.maximumRequestLineBytes ? bytes.count : nil),
           lineEnd > limits.maximumRequestLineBytes {
            throw HTTP1ParseError(status: 414, "request line exceeds \(limits.maximumRequestLineBytes) bytes")
        }
    }

    static func parseRequestLine(_ line: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> (String, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: 32) else {
            throw HTTP1ParseError(status: 400, "malformed request line")
        }
        guard let lastSpace = line.lastIndex(of: 32), lastSpace > firstSpace else {
            throw HTTP1ParseError(status: 400, "malformed request line")
        }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[..<firstSpace])
        guard !methodBytes.isEmpty, methodBytes.count <= 32, methodBytes.allSatisfy(isTokenByte) else {
            throw HTTP1ParseError(status: 400, "malformed request method")
        }
        let targetBytes = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw HTTP1ParseError(status: 400, "malformed request target")
        }
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])
        let version: HTTPVersion
        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            version = .http1_1
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            version = .http1_0
        } else if versionBytes.count == 8, versionBytes.starts(with: "HTTP/".utf8),
                  (48...57).contains(versionBytes[5]), versionBytes[6] == 46, (48...57).contains(versionBytes[7]) {
            throw HTTP1ParseError(status: 505, "HTTP version not supported")
        } else {
            throw HTTP1ParseError(status: 400, "malformed HTTP version")
        }
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard target.hasPrefix("/") || target == "*" || target.hasPrefix("http://") || target.hasPrefix("https://") else {
            throw HTTP1ParseError(status: 400, "malformed request target")
        }
        return (String(decoding: methodBytes, as: UTF8.self), target, version)
    }

    /// Parses `name: value` lines separated by CRLF (no trailing CRLF) into `headers`.
    static func parseFields(_ bytes: UnsafeRawBufferPointer, into headers: inout HTTPHeaders, limits: HTTP1Limits) throws(HTTP1ParseError) {
        var lineStart = 0
        var count = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count {
                let b = bytes[lineEnd]
                if b == 13 {
                    guard lineEnd + 1 < bytes.count, bytes[lineEnd + 1] == 10 else {
                        throw HTTP1ParseError(status: 400, "bare CR in header section")
                    }
                    break
                }
                if b == 10 { throw HTTP1ParseError(status: 400, "bare LF in header section") }
                lineEnd += 1
            }
            let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd])
            if line.isEmpty { throw HTTP1ParseError(status: 400, "empty header line") }
            if line[0] == 32 || line[0] == 9 {
                throw HTTP1ParseError(status: 400, "obsolete header line folding is not allowed")
            }
            guard let colon = line.firstIndex(of: 58), colon > 0 else {
                throw HTTP1ParseError(status: 400, "malformed header line")
            }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            guard name.allSatisfy(isTokenByte) else {
                throw HTTP1ParseError(status: 400, "invalid header name")
            }
            var valueStart = colon + 1
            var valueEnd = line.count
            while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
            for b in value where (b < 32 && b != 9) || b == 127 {
                throw HTTP1ParseError(status: 400, "invalid character in header value")
            }
            count += 1
            if count > limits.maximumHeaderCount {
                throw HTTP1ParseError(status: 431, "more than \(limits.maximumHeaderCount) header fields")
            }
            headers.addLowercased(name: lowercaseASCII(name), value: String(decoding: value, as: UTF8.self))
            lineStart = lineEnd + 2
        }
    }

    static func parseChunkSize(_ line: UnsafeRawBufferPointer) throws(HTTP1ParseError) -> Int {
        var size = 0
        var digits = 0
        var i = 0
        while i < line.count {
            let b = line[i]
            let value: Int
            switch b {
            case 48...57: value = Int(b - 48)
            case 97...102: value = Int(b - 87)
            case 65...70: value = Int(b - 55)
            default: value = -1
            }
            if value < 0 { break }
            digits += 1
            if digits > 15 { throw HTTP1ParseError(status: 400, "chunk size too large") }
            size = size * 16 + value
            i += 1
        }
        guard digits > 0 else { throw HTTP1ParseError(status: 400, "invalid chunk size") }
        // Only chunk extensions (";name[=value]") may follow, optionally after whitespace.
        while i < line.count, line[i] == 32 || line[i] == 9 { i += 1 }
        if i < line.count {
            guard line[i] == 59 else { throw HTTP1ParseError(status: 400, "invalid chunk size") }
            for b in UnsafeRawBufferPointer(rebasing: line[i...]) where (b < 32 && b != 9) || b == 127 {
                throw HTTP1ParseError(status: 400, "invalid chunk extension")
            }
        }
        return size
    }

    /// RFC 9110 tchar.
    @inline(__always)
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 48...57, 65...90, 97...122: true
        case 33, 35, 36, 37, 38, 39, 42, 43, 45, 46, 94, 95, 96, 124, 126: true
        default: false
        }
    }

    static func lowercaseASCII(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for i in 0..<bytes.count {
                let b = bytes[i]
                buffer[i] = (b >= 65 && b <= 90) ? b + 32 : b
            }
            return bytes.count
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    public func trimmingASCIIWhitespace() -> String {
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\r\n" }
        var start = startIndex
        var end = endIndex
        while start < end, isSpace(self[start]) { start = index(after: start) }
        while end > start, isSpace(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
