import CNghttp2

/// Moves frames nghttp2 has ready onto a socket: `mem_send` into a coalescing buffer,
/// written in 64 KiB batches, pausing while the socket already has too much queued
/// (nghttp2 then keeps DATA in its streams, where flow control applies).
struct HTTP2SessionOutput {
    private var buffer: [UInt8] = []

    /// Socket bytes queued beyond which nghttp2 is not asked for more frames.
    static let maximumPendingWriteBytes = 1 << 20

    var bufferedBytes: Int { buffer.count }

    /// Returns false (after closing the socket) when nghttp2 reports a fatal error.
    mutating func drain(session: OpaquePointer, to connection: TCPConnection, logger: Logger) -> Bool {
        guard !connection.isClosed else { return false }
        while connection.pendingWriteBytes < Self.maximumPendingWriteBytes {
            var data: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(session, &data)
            if n < 0 {
                logger.warning("http2_send_failed", ["error": String(cString: nghttp2_strerror(Int32(n)))])
                connection.close()
                return false
            }
            if n == 0 { break }
            buffer.append(contentsOf: UnsafeBufferPointer(start: data, count: n))
            if buffer.count >= 64 * 1024 {
                connection.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty {
            connection.write(buffer)
            buffer.removeAll(keepingCapacity: buffer.capacity <= 256 * 1024)
        }
        return true
    }
}
