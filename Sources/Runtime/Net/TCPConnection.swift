import CLibUV
import Glibc

/// Receives the events of one ``TCPConnection``, on its loop thread.
public protocol TCPConnectionDelegate: AnyObject {
    /// Bytes arrived. The buffer is only valid during the call (it is the loop's shared read buffer).
    func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer)
    /// The peer closed its sending side.
    func connectionDidReadEOF(_ connection: TCPConnection)
    /// Every queued write has reached the kernel.
    func connectionDidDrainWrites(_ connection: TCPConnection)
    /// The socket is closed (after ``TCPConnection/close()`` or an I/O error); no more events follow.
    func connectionDidClose(_ connection: TCPConnection, error: UVError?)
}

/// A TCP socket on one event loop: non-blocking reads into the loop's shared buffer,
/// writes that try the kernel first and queue the remainder, and explicit read pausing
/// so a consumer can push back on its producer.
///
/// Loop-confined: every method must be called on `loop`'s thread.
/// The connection keeps itself alive until its close callback ran.
public final class TCPConnection {
    public let loop: EventLoop
    let handle: UnsafeMutablePointer<uv_tcp_t>
    /// Strong on purpose (weak references make every retain of the delegate slow);
    /// the cycle is broken when the socket closes.
    public var delegate: (any TCPConnectionDelegate)?

    /// Bytes handed to ``write(_:)`` that the kernel has not taken yet.
    public private(set) var pendingWriteBytes = 0
    public private(set) var isClosed = false
    private var isReading = false
    private var closeError: UVError?
    private var closeWhenDrained = false
    /// After a graceful close began: input is read and dropped until EOF or the timer fires.
    private var isLingering = false
    private var lingerTimer: LoopTimer?
    /// The peer as `ip:port`, captured once.
    public private(set) lazy var remoteAddress: String = {
        var buffer = [CChar](repeating: 0, count: 80)
        guard octo_peer_name(handle, &buffer, buffer.count) == 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }()

    /// Wraps an initialised handle (accepted or connected) on `loop`.
    init(loop: EventLoop, initialisedHandle: UnsafeMutablePointer<uv_tcp_t>) {
        self.loop = loop
        handle = initialisedHandle
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        uv_tcp_nodelay(handle, 1)
    }

    /// Opens a TCP connection to `host:port` (numeric IPv4/IPv6 or a name resolved synchronously).
    public static func connect(
        loop: EventLoop, host: String, port: Int,
        _ completion: @escaping (Result<TCPConnection, UVError>) -> Void
    ) {
        loop.assertInEventLoop()
        var storage = sockaddr_storage()
        let rc: Int32 = withUnsafeMutablePointer(to: &storage) { raw in
            raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                if uv_ip4_addr(host, Int32(port), v4) == 0 { return 0 }
                return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    uv_ip6_addr(host, Int32(port), v6)
                }
            }
        }
        if rc != 0 {
            // Not a numeric address: resolve it (used for "localhost" in configuration).
            guard let resolved = resolve(host: host, port: port) else {
                completion(.failure(UVError(Int32(UV_EAI_NONAME.rawValue))))
                return
            }
            storage = resolved
        }
        let handle = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.uvLoop, handle)
        let request = ConnectRequest(loop: loop, handle: handle, completion: completion)
        let status: Int32 = withUnsafePointer(to: &storage) { address in
            address.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                uv_tcp_connect(request.request, handle, address) { request, status in
                    guard let request, let data = request.pointee.data else { return }
                    Unmanaged<ConnectRequest>.fromOpaque(data).takeRetainedValue().finish(status: status)
                }
            }
        }
        if status < 0 {
            Unmanaged<ConnectRequest>.fromOpaque(request.request.pointee.data).release()
            request.finish(status: status)
        }
    }

    private static func resolve(host: String, port: Int) -> sockaddr_storage? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
        return storage
    }

    /// Starts delivering reads to the delegate. Idempotent.
    public func startReading() {
        loop.assertInEventLoop()
        guard !isClosed, !isReading else { return }
        isReading = true
        uv_read_start(octo_stream(handle), { handle, _, buffer in
            // Every read of this loop lands in the loop's shared buffer.
            let loop = Unmanaged<EventLoop>.fromOpaque(handle!.pointee.loop.pointee.data).takeUnretainedValue()
            buffer!.pointee.base = loop.readBuffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            buffer!.pointee.len = loop.readBuffer.count
        }, { stream, count, buffer in
            guard let stream, let data = stream.pointee.data else { return }
            let me = Unmanaged<TCPConnection>.fromOpaque(data).takeUnretainedValue()
            me.didRead(count: count, base: buffer?.pointee.base)
        })
    }

    /// Stops reading until ``startReading()``: TCP flow control then slows the peer down.
    public func stopReading() {
        loop.assertInEventLoop()
        guard !isClosed, isReading else { return }
        isReading = false
        uv_read_stop(octo_stream(handle))
    }

    private func didRead(count: Int, base: UnsafeMutablePointer<CChar>?) {
        if isLingering {
            if count < 0 { close() }
            return
        }
        if count > 0, let base {
            delegate?.connection(self, didRead: UnsafeRawBufferPointer(start: base, count: count))
        } else if count == Int(UV_EOF.rawValue) {
            stopReading()
            delegate?.connectionDidReadEOF(self)
        } else if count < 0 {
            close(error: UVError(Int32(count)))
        }
    }

    /// Writes bytes: straight to the kernel when nothing is queued, the rest copied and queued.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        loop.assertInEventLoop()
        guard !isClosed, !bytes.isEmpty else { return }
        var offset = 0
        if pendingWriteBytes == 0 {
            var buf = uv_buf_t(base: UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: CChar.self)), len: bytes.count)
            let written = uv_try_write(octo_stream(handle), &buf, 1)
            if written == Int32(bytes.count) { return }
            if written > 0 {
                offset = Int(written)
            } else if written != Int32(UV_EAGAIN.rawValue) && written != Int32(UV_ENOSYS.rawValue) {
                close(error: UVError(written))
                return
            }
        }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let request = WriteRequest(copying: rest)
        pendingWriteBytes += rest.count
        var buf = uv_buf_t(base: request.storage.baseAddress!.assumingMemoryBound(to: CChar.self), len: rest.count)
        request.request.pointee.data = Unmanaged.passRetained(request).toOpaque()
        let rc = uv_write(request.request, octo_stream(handle), &buf, 1) { request, status in
            guard let request, let data = request.pointee.data else { return }
            let write = Unmanaged<WriteRequest>.fromOpaque(data).takeRetainedValue()
            let stream = request.pointee.handle!
            let me = Unmanaged<TCPConnection>.fromOpaque(stream.pointee.data).takeUnretainedValue()
            me.didWrite(byteCount: write.storage.count, status: status)
        }
        if rc < 0 {
            Unmanaged<WriteRequest>.fromOpaque(request.request.pointee.data).release()
            pendingWriteBytes -= rest.count
            close(error: UVError(rc))
        }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    private func didWrite(byteCount: Int, status: Int32) {
        pendingWriteBytes -= byteCount
        if status < 0 {
            if status != Int32(UV_ECANCELED.rawValue) { close(error: UVError(status)) }
            return
        }
        if pendingWriteBytes == 0 {
            if closeWhenDrained {
                beginLingeringClose()
            } else {
                delegate?.connectionDidDrainWrites(self)
            }
        }
    }

    /// Closes gracefully once every queued write has reached the kernel (used after a final
    /// response): sends FIN, then reads and discards whatever the peer still sends until it
    /// closes too or ``lingerMilliseconds`` pass. Closing with unread input would make the
    /// kernel send RST, which can destroy the response before the client read it.
    public func closeAfterPendingWrites() {
        loop.assertInEventLoop()
        guard !isClosed, !closeWhenDrained else { return }
        closeWhenDrained = true
        if pendingWriteBytes == 0 { beginLingeringClose() }
    }

    /// How long a closing connection keeps draining the peer's input.
    public static let lingerMilliseconds: UInt64 = 2_000

    private func beginLingeringClose() {
        guard !isClosed, !isLingering else { return }
        isLingering = true
        let request = UnsafeMutablePointer<uv_shutdown_t>.allocate(capacity: 1)
        let rc = uv_shutdown(request, octo_stream(handle)) { request, _ in
            request?.deallocate()
        }
        if rc < 0 {
            request.deallocate()
            close()
            return
        }
        let timer = LoopTimer(loop: loop)
        lingerTimer = timer
        timer.start(afterMilliseconds: Self.lingerMilliseconds) { [weak self] in
            self?.close()
        }
        isReading = false
        startReading()
    }

    /// Closes the socket now; queued writes are dropped. Idempotent.
    public func close(error: UVError? = nil) {
        loop.assertInEventLoop()
        guard !isClosed else { return }
        isClosed = true
        closeError = error
        isReading = false
        lingerTimer?.close()
        lingerTimer = nil
        uv_close(octo_handle(handle)) { raw in
            guard let raw, let data = raw.pointee.data else { return }
            let me = Unmanaged<TCPConnection>.fromOpaque(data).takeRetainedValue()
            me.delegate?.connectionDidClose(me, error: me.closeError)
            me.delegate = nil
            raw.withMemoryRebound(to: uv_tcp_t.self, capacity: 1) { $0.deallocate() }
        }
    }
}

/// One queued write: the libuv request plus the bytes it points at.
private final class WriteRequest {
    let request: UnsafeMutablePointer<uv_write_t>
    let storage: UnsafeMutableRawBufferPointer

    init(copying bytes: UnsafeRawBufferPointer) {
        request = .allocate(capacity: 1)
        storage = .allocate(byteCount: bytes.count, alignment: 1)
        storage.copyMemory(from: bytes)
    }

    deinit {
        request.deallocate()
        storage.deallocate()
    }
}

/// An outstanding `uv_tcp_connect`.
private final class ConnectRequest {
    let request: UnsafeMutablePointer<uv_connect_t>
    let loop: EventLoop
    let handle: UnsafeMutablePointer<uv_tcp_t>
    let completion: (Result<TCPConnection, UVError>) -> Void

    init(loop: EventLoop, handle: UnsafeMutablePointer<uv_tcp_t>, completion: @escaping (Result<TCPConnection, UVError>) -> Void) {
        self.loop = loop
        self.handle = handle
        self.completion = completion
        request = .allocate(capacity: 1)
        request.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    deinit { request.deallocate() }

    func finish(status: Int32) {
        if status == 0 {
            completion(.success(TCPConnection(loop: loop, initialisedHandle: handle)))
        } else {
            let handle = self.handle
            uv_close(octo_handle(handle)) { raw in
                raw?.withMemoryRebound(to: uv_tcp_t.self, capacity: 1) { $0.deallocate() }
            }
            completion(.failure(UVError(status)))
        }
    }
}
