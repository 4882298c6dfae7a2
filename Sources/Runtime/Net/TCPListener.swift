import CLibUV
import Glibc
import Synchronization

/// A listening TCP socket shared by every loop of a group.
///
/// The socket is bound once (so errors such as "address in use" surface immediately
/// and a second daemon cannot silently share the port, as it could with SO_REUSEPORT);
/// each loop then listens on its own duplicate of the descriptor, and whichever loop
/// is free accepts the next connection. A connection stays on the loop that accepted it.
public final class TCPListener: Sendable {
    /// The address actually bound (the real port when 0 was asked for).
    public let boundAddress: HostPort
    private let fd: Int32
    /// Per-loop accept handles, created and closed on their loops.
    private let acceptors: [LoopBound<Acceptor>]
    private let isClosed = Atomic<Bool>(false)

    /// Default listen backlog: enough for bursts of a thousand connects.
    public static let defaultBacklog: Int32 = 4096

    /// Binds `address` and starts accepting on every loop of `group`.
    /// `onAccept` runs on the accepting loop's thread with a connection that is not reading yet.
    public init(
        address: HostPort, group: EventLoopGroup, backlog: Int32 = TCPListener.defaultBacklog,
        onAccept: @escaping @Sendable (TCPConnection) -> Void
    ) async throws(ListenError) {
        var port: Int32 = 0
        var gaiError: Int32 = 0
        let fd = octo_listen_tcp(address.host, String(address.port), backlog, &port, &gaiError)
        if fd < 0 {
            if gaiError != 0 {
                throw ListenError(address: address, reason: String(cString: gai_strerror(gaiError)))
            }
            throw ListenError(address: address, reason: UVError(fd).description)
        }
        self.fd = fd
        boundAddress = HostPort(host: address.host, port: Int(port))
        var acceptors: [LoopBound<Acceptor>] = []
        do {
            for loop in group.loops {
                let acceptor = try await Self.startAcceptor(loop: loop, fd: fd, backlog: backlog, onAccept: onAccept)
                acceptors.append(acceptor)
            }
        } catch {
            for acceptor in acceptors {
                acceptor.loop.execute { acceptor.value.close() }
            }
            Glibc.close(fd)
            throw ListenError(address: address, reason: error.description)
        }
        self.acceptors = acceptors
    }

    private static func startAcceptor(
        loop: EventLoop, fd: Int32, backlog: Int32, onAccept: @escaping @Sendable (TCPConnection) -> Void
    ) async throws(UVError) -> LoopBound<Acceptor> {
        let result: Result<LoopBound<Acceptor>, UVError> = await withCheckedContinuation { continuation in
            loop.execute {
                do throws(UVError) {
                    let acceptor = try Acceptor(loop: loop, fd: fd, backlog: backlog, onAccept: onAccept)
                    continuation.resume(returning: .success(LoopBound(acceptor, loop: loop)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Stops accepting on every loop. Established connections are not touched.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for acceptor in acceptors {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                acceptor.loop.execute {
                    acceptor.value.close()
                    continuation.resume()
                }
            }
        }
        Glibc.close(fd)
    }
}

/// Why a listening socket could not be opened.
public struct ListenError: Error, CustomStringConvertible, Sendable {
    public let address: HostPort
    public let reason: String
    public var description: String { "cannot listen on \(address): \(reason)" }
}

/// One loop's accept handle over a duplicate of the shared listening descriptor.
final class Acceptor {
    private let loop: EventLoop
    private let handle: UnsafeMutablePointer<uv_tcp_t>
    private let onAccept: @Sendable (TCPConnection) -> Void
    private var closed = false

    init(loop: EventLoop, fd: Int32, backlog: Int32, onAccept: @escaping @Sendable (TCPConnection) -> Void) throws(UVError) {
        self.loop = loop
        self.onAccept = onAccept
        handle = .allocate(capacity: 1)
        uv_tcp_init(loop.uvLoop, handle)
        // Close-on-exec: a listening socket inherited by a service process would let it
        // accept connections meant for the daemon, and keep the port after the daemon died.
        let copy = octo_dup_cloexec(fd)
        guard copy >= 0 else {
            handle.deallocate()
            throw UVError(-octo_errno())
        }
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
        var rc = uv_tcp_open(handle, uv_os_sock_t(copy))
        if rc == 0 {
            rc = uv_listen(octo_stream(handle), backlog) { server, status in
                guard let server, let data = server.pointee.data else { return }
                Unmanaged<Acceptor>.fromOpaque(data).takeUnretainedValue().accept(status: status)
            }
        }
        if rc < 0 {
            close()
            throw UVError(rc)
        }
    }

    private func accept(status: Int32) {
        guard status == 0, !closed else { return }
        let client = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
        uv_tcp_init(loop.uvLoop, client)
        if uv_accept(octo_stream(handle), octo_stream(client)) == 0 {
            onAccept(TCPConnection(loop: loop, initialisedHandle: client))
        } else {
            // Another loop won the race for this connection.
            uv_close(octo_handle(client)) { raw in
                raw?.withMemoryRebound(to: uv_tcp_t.self, capacity: 1) { $0.deallocate() }
            }
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        uv_close(octo_handle(handle)) { raw in
            guard let raw else { return }
            if let data = raw.pointee.data { Unmanaged<Acceptor>.fromOpaque(data).release() }
            raw.withMemoryRebound(to: uv_tcp_t.self, capacity: 1) { $0.deallocate() }
        }
    }
}
