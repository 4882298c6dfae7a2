import Glibc
import Runtime
import Synchronization

/// HTTPS transport for the CLI: the daemon itself speaks plain HTTP/h2c, and an https://
/// address means a TLS proxy in front of it (SPEC §7). Rather than linking a TLS stack
/// into the binary, the CLI runs `curl` (which uses the system's CA store and proxy
/// settings). Headers and body go through 0600 temporary files, so the admin token never
/// appears in the process list.
enum CurlTransport {
    static func send(url: String, method: String, headers: [(String, String)], body: [UInt8]?, timeoutSeconds: Int,
                     onLine: ((String) -> Void)?) throws(HTTPClientConnection.Failure) -> HTTPClientConnection.Response {
        guard ExecutableLookup.find("curl") != nil else {
            throw .failed("https addresses need curl on PATH")
        }
        let headerFile = try temporaryFile(Array(headers.map { "\($0.0): \($0.1)\n" }.joined().utf8))
        defer { unlink(headerFile) }
        var arguments = ["-sS", "-N", "-i", "--http1.1", "--proto", "=https", "-X", method, "-H", "@" + headerFile]
        var bodyFile: String?
        if let body {
            bodyFile = try temporaryFile(body)
            arguments += ["--data-binary", "@" + bodyFile!]
        }
        defer { if let bodyFile { unlink(bodyFile) } }
        if timeoutSeconds > 0 { arguments += ["--max-time", String(timeoutSeconds)] }
        arguments.append(url)

        var options = ProcessOptions(executable: "curl", arguments: arguments)
        options.searchPath = true
        options.stdout = .pipe
        options.stderr = .pipe
        options.newProcessGroup = false

        let parser = ResponseParser(onLine: onLine)
        let outcome = runBlocking(options, parser: parser)
        switch outcome {
        case .failure(let message):
            throw .failed(message)
        case .success(let exit, let stderr):
            guard exit.succeeded else {
                let reason = stderr.trimmingASCIIWhitespace()
                // curl exit codes 6 (resolve) and 7 (connect): nobody answers at that address.
                if exit.code == 6 || exit.code == 7 { throw .unreachable(reason) }
                throw .failed(reason.isEmpty ? "curl \(exit)" : reason)
            }
            guard let response = parser.finish() else { throw .failed("malformed response from the HTTPS endpoint") }
            return response
        }
    }

    private enum Outcome {
        case success(ProcessExit, String)
        case failure(String)
    }

    /// Runs curl on a private event loop and waits for it; chunks of stdout go to `parser`.
    private static func runBlocking(_ options: ProcessOptions, parser: ResponseParser) -> Outcome {
        let loop = EventLoop(name: "octobus-cli")
        loop.start()
        defer {
            loop.requestStop()
            loop.join()
        }
        let done = DoneSignal<Outcome>()
        loop.execute {
            do throws(SpawnError) {
                let child = try ChildProcess.spawn(loop: loop, options: options)
                var stderr: [UInt8] = []
                child.onStdout = { parser.feed($0) }
                child.onStderr = { stderr += $0 }
                child.onTermination = { exit in done.signal(.success(exit, String(decoding: stderr, as: UTF8.self))) }
            } catch {
                done.signal(.failure(error.description))
            }
        }
        return done.wait()
    }

    private static func temporaryFile(_ bytes: [UInt8]) throws(HTTPClientConnection.Failure) -> String {
        var template = Array("/tmp/octobus-cli-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .failed("cannot create a temporary file: \(String(cString: strerror(errno)))") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        fchmod(fd, 0o600)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { break }
            offset += n
        }
        close(fd)
        return path
    }
}

/// One value handed from the loop thread to the waiting main thread.
private final class DoneSignal<Value: Sendable>: @unchecked Sendable {
    private let state = Mutex<Value?>(nil)
    /// Created once, then only posted and waited on: sem_* calls are thread-safe.
    private let semaphore: UnsafeMutablePointer<sem_t>

    init() {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
    }

    func signal(_ value: Value) {
        state.withLock { $0 = value }
        sem_post(semaphore)
    }

    func wait() -> Value {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
        return state.withLock { $0! }
    }
}

/// Parses curl's `-i` output: status line and headers (skipping 1xx blocks), then the body,
/// delivered line by line for NDJSON when the status is below 400.
private final class ResponseParser: @unchecked Sendable {
    // Only touched on the curl loop's thread, then read after it finished.
    private var buffer: [UInt8] = []
    private var status = 0
    private var headers = HTTPHeaders()
    private var inBody = false
    private var body: [UInt8] = []
    private let onLine: ((String) -> Void)?

    init(onLine: ((String) -> Void)?) {
        self.onLine = onLine
    }

    func feed(_ chunk: [UInt8]) {
        buffer += chunk
        while !inBody, let end = headEnd() {
            let head = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(end + 4)
            let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
            let parts = lines.first?.split(separator: " ") ?? []
            guard parts.count >= 2, let code = Int(parts[1]) else { status = -1; return }
            if code >= 100 && code < 200 { continue }
            status = code
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingASCIIWhitespace())
            }
            inBody = true
        }
        guard inBody else { return }
        if let onLine, status < 400 {
            while let newline = buffer.firstIndex(of: 10) {
                onLine(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeFirst(newline + 1)
            }
        } else {
            body += buffer
            buffer.removeAll()
        }
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    func finish() -> HTTPClientConnection.Response? {
        guard status > 0 else { return nil }
        if let onLine, status < 400, !buffer.isEmpty { onLine(String(decoding: buffer, as: UTF8.self)) }
        return HTTPClientConnection.Response(status: status, headers: headers, body: body + (status >= 400 || onLine == nil ? buffer : []))
    }
}
