import Glibc
import Runtime

/// A minimal blocking HTTP/1.1 client for the CLI's calls to the local admin API:
/// one request per connection, Content-Length or chunked responses, and line-by-line
/// delivery for NDJSON streams. Blocking is fine here: the CLI does nothing else.
struct HTTPClientConnection {
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    enum Failure: Error {
        /// Could not connect (daemon not running, wrong address).
        case unreachable(String)
        /// Connected, then the exchange failed (timeout, reset, malformed response).
        case failed(String)
    }

    let host: String
    let port: Int
    /// Seconds; 0 means no timeout (imports and `logs -f`).
    let timeoutSeconds: Int

    /// Sends a request; if `onLine` is given, body lines are delivered as they arrive
    /// (for NDJSON) and the returned body is empty.
    func send(method: String, target: String, hostHeader: String, headers: [(String, String)], body: [UInt8]?,
              onLine: ((String) -> Void)? = nil) throws(Failure) -> Response {
        let fd = try connect()
        defer { close(fd) }
        var request = "\(method) \(target) HTTP/1.1\r\nhost: \(hostHeader)\r\nconnection: close\r\nuser-agent: octobus-cli/\(cliVersion)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if let body { request += "content-length: \(body.count)\r\n" }
        request += "\r\n"
        var bytes = Array(request.utf8)
        if let body { bytes += body }
        try writeAll(fd, bytes)
        var reader = SocketReader(fd: fd)
        return try readResponse(&reader, onLine: onLine)
    }

    private var cliVersion: String { "1" }

    private func connect() throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else {
            throw .unreachable(String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(result) }
        var lastError = "no address"
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let info = current {
            current = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { continue }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                if timeoutSeconds > 0 {
                    var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
                    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
                }
                return fd
            }
            lastError = String(cString: strerror(errno))
            close(fd)
        }
        throw .unreachable(lastError)
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .failed("sending request: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    private func readResponse(_ reader: inout SocketReader, onLine: ((String) -> Void)?) throws(Failure) -> Response {
        // Status line and headers.
        var status = 0
        var headers = HTTPHeaders()
        repeat {
            headers = HTTPHeaders()
            guard let statusLine = try reader.readLine() else { throw .failed("connection closed before a response") }
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]) else {
                throw .failed("malformed response status line")
            }
            status = code
            while let line = try reader.readLine(), !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { throw .failed("malformed response header") }
                headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingASCIIWhitespace())
            }
        } while status >= 100 && status < 200
        var body: [UInt8] = []
        var lineBuffer: [UInt8] = []
        // Error replies are ordinary JSON bodies: collect them instead of streaming lines.
        let streamLines = status < 400 ? onLine : nil
        let deliver: ([UInt8]) -> Void = { chunk in
            guard let onLine = streamLines else { body += chunk; return }
            for byte in chunk {
                if byte == 10 {
                    onLine(String(decoding: lineBuffer, as: UTF8.self))
                    lineBuffer.removeAll(keepingCapacity: true)
                } else {
                    lineBuffer.append(byte)
                }
            }
        }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                guard let sizeLine = try reader.readLine() else { throw .failed("truncated chunked response") }
                let hex = sizeLine.split(separator: ";").first.map(String.init)?.trimmingASCIIWhitespace() ?? ""
                guard let size = Int(hex, radix: 16) else { throw .failed("malformed chunk size") }
                if size == 0 {
                    while let line = try reader.readLine(), !line.isEmpty {}
                    break
                }
                deliver(try reader.read(count: size))
                _ = try reader.readLine()
            }
        } else if let length = headers["content-length"].flatMap(Int.init) {
            deliver(try reader.read(count: length))
        } else {
            while let chunk = try reader.readSome() { deliver(chunk) }
        }
        if streamLines != nil, !lineBuffer.isEmpty { streamLines?(String(decoding: lineBuffer, as: UTF8.self)) }
        return Response(status: status, headers: headers, body: body)
    }
}

/// Buffered reads from a blocking socket.
private struct SocketReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var position = 0

    init(fd: Int32) { self.fd = fd }

    mutating func fill() throws(HTTPClientConnection.Failure) -> Bool {
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .failed("timed out waiting for the daemon") }
                throw .failed("reading response: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
    }

    mutating func readLine() throws(HTTPClientConnection.Failure) -> String? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 10) {
                var end = newline
                if end > position, buffer[end - 1] == 13 { end -= 1 }
                let line = String(decoding: buffer[position..<end], as: UTF8.self)
                position = newline + 1
                return line
            }
            if !(try fill()) {
                if position < buffer.count {
                    let line = String(decoding: buffer[position...], as: UTF8.self)
                    position = buffer.count
                    return line
                }
                return nil
            }
        }
    }

    mutating func read(count: Int) throws(HTTPClientConnection.Failure) -> [UInt8] {
        while buffer.count - position < count {
            if !(try fill()) { throw .failed("connection closed before the whole response arrived") }
        }
        let out = Array(buffer[position..<position + count])
        position += count
        return out
    }

    mutating func readSome() throws(HTTPClientConnection.Failure) -> [UInt8]? {
        if position < buffer.count {
            let out = Array(buffer[position...])
            position = buffer.count
            return out
        }
        guard try fill() else { return nil }
        let out = Array(buffer[position...])
        position = buffer.count
        return out
    }
}
