import CZlib

/// One zlib deflate stream writing gzip, for `.tgz` artifacts. A class for the same reason
/// as ``ZlibInflater``: zlib points back at the `z_stream`.
final class ZlibDeflater {
    struct Progress {
        var consumed: Int
        var produced: Int
        /// With `finish`, the gzip trailer has been written in full.
        var finished: Bool
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// Level 6 (zlib's default) and a gzip header with no name and mtime 0, so identical
    /// input gives identical output.
    init() {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = octo_deflate_init(stream, Z_DEFAULT_COMPRESSION, 15 + 16)
        // Only a bad parameter or out-of-memory can fail here; neither is recoverable.
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input` into `output`; with `finish`, flushes and writes the trailer (call
    /// again with an empty input while `finished` is false).
    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer, finish: Bool) -> Progress {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
        // Z_STREAM_ERROR would mean a corrupted z_stream, i.e. a bug here.
        precondition(status != Z_STREAM_ERROR, "deflate: inconsistent stream state")
        let progress = Progress(
            consumed: input.count - Int(stream.pointee.avail_in),
            produced: output.count - Int(stream.pointee.avail_out),
            finished: status == Z_STREAM_END)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        return progress
    }
}
