/// A forward-only stream of archive bytes: a plain file, or a gzip stream decoded on the fly.
/// Readers pull through this so that nothing ever holds a whole archive in memory.
protocol ArchiveByteSource {
    /// Reads up to `buffer.count` (> 0) bytes into `buffer`; returns 0 only at the end of the stream.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int
}
