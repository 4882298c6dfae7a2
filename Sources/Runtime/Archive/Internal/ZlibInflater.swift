import CZlib

/// One zlib inflate stream: gzip members (tar.gz) or raw deflate (zip entries).
///
/// The `z_stream` lives at a fixed heap address because zlib keeps a pointer back to it
/// (`inflateStateCheck` rejects a moved stream), so this is a class rather than a struct.
final class ZlibInflater {
    enum Framing {
        /// A gzip member: header, deflate data, CRC-32 and length trailer (checked by zlib).
        case gzip
        /// Bare deflate data with no header or checksum, as stored in zip entries.
        case raw

        var windowBits: Int32 { self == .gzip ? 15 + 16 : -15 }
    }

    /// zlib's own description of why the data is invalid ("incorrect header check", …).
    struct Failure: Error { let detail: String }

    /// How far one ``step(input:output:)`` got.
    struct Progress {
        var consumed: Int
        var produced: Int
        /// The end of the deflate stream (and, for gzip, a valid trailer) was reached.
        var finished: Bool
    }

    private let stream: UnsafeMutablePointer<z_stream>

    init(_ framing: Framing) throws(Failure) {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = octo_inflate_init(stream, framing.windowBits)
        guard status == Z_OK else {
            stream.deallocate()
            throw Failure(detail: "inflateInit failed (\(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Starts a new stream with the same framing (the next member of a multi-member gzip file).
    func reset() { inflateReset(stream) }

    /// Inflates as much of `input` as fits in `output`.
    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) throws(Failure) -> Progress {
        // zlib never writes through next_in; the mutable pointer is a quirk of its C signature.
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = inflate(stream, Z_NO_FLUSH)
        let progress = Progress(
            consumed: input.count - Int(stream.pointee.avail_in),
            produced: output.count - Int(stream.pointee.avail_out),
            finished: status == Z_STREAM_END)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR:  // Z_BUF_ERROR: no progress possible, more input needed
            return progress
        case Z_NEED_DICT:
            throw Failure(detail: "preset dictionary required")
        case Z_MEM_ERROR:
            throw Failure(detail: "out of memory")
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"
            throw Failure(detail: message)
        }
    }
}
