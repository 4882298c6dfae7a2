/// A buffered reader over an ``ArchiveByteSource`` that knows its offset in the stream (for
/// error messages) and turns a short read into ``ArchiveError/truncated``.
final class ArchiveStreamReader<Source: ArchiveByteSource> {
    static var bufferSize: Int { 64 << 10 }

    private var source: Source
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var exhausted = false
    /// Bytes handed out (or skipped) so far.
    private(set) var offset = 0

    init(source: Source) {
        self.source = source
        buffer = .allocate(byteCount: Self.bufferSize, alignment: 8)
    }

    deinit { buffer.deallocate() }

    /// Fills the buffer if it is empty; returns false at the end of the stream.
    private func fill() throws(ArchiveError) -> Bool {
        if start < end { return true }
        if exhausted { return false }
        start = 0
        end = try source.read(into: buffer)
        if end == 0 { exhausted = true }
        return end > 0
    }

    /// Reads up to `destination.count` bytes; 0 only at the end of the stream.
    func read(into destination: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard try fill() else { return 0 }
        let count = min(destination.count, end - start)
        destination.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count)
        start += count
        offset += count
        return count
    }

    /// Reads exactly `destination.count` bytes. Returns false if the stream ended before the
    /// first byte (a clean end); throws ``ArchiveError/truncated`` if it ended part way.
    func readExactly(into destination: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Bool {
        var done = 0
        while done < destination.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: destination[done...]))
            if n == 0 {
                if done == 0 { return false }
                throw .truncated
            }
            done += n
        }
        return true
    }

    /// Reads exactly `count` bytes into a new array (for small metadata only).
    func readBytes(_ count: Int) throws(ArchiveError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        // Array's withUnsafeMutableBytes rethrows untyped errors; Result keeps the type.
        let complete = try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(ArchiveError) in try readExactly(into: raw) }
        }.get()
        if !complete && count > 0 { throw .truncated }
        return bytes
    }

    /// Skips exactly `count` bytes.
    func skip(_ count: Int) throws(ArchiveError) {
        var remaining = count
        while remaining > 0 {
            guard try fill() else { throw .truncated }
            let n = min(remaining, end - start)
            start += n
            offset += n
            remaining -= n
        }
    }

    /// Skips to the end of the stream, so that a gzip trailer is still verified; throws
    /// `limitError` once more than `limit` bytes have been skipped.
    func drain(limit: Int, limitError: ArchiveError) throws(ArchiveError) {
        var skipped = 0
        while try fill() {
            skipped += end - start
            offset += end - start
            start = end
            if skipped > limit { throw limitError }
        }
    }
}
