/// A byte range of an ``ArchiveInputFile`` read with `pread`, so that several ranges (the
/// zip central directory and an entry's data) can be read in turn without seeking.
struct ArchiveFileRange: ArchiveByteSource {
    let file: ArchiveInputFile
    private(set) var position: Int
    let end: Int

    init(file: ArchiveInputFile, offset: Int, count: Int) {
        self.file = file
        position = offset
        end = offset + count
    }

    /// Throws ``ArchiveError/truncated`` if the file ends before the range does.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard position < end else { return 0 }
        let wanted = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, end - position)])
        let n = try file.read(at: position, into: wanted)
        if n == 0 { throw .truncated }
        position += n
        return n
    }
}
