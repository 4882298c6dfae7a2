import Glibc

/// The container formats the importer accepts: npm tarballs, `git archive` output and zips.
public enum ArchiveFormat: Sendable, Equatable {
    /// An uncompressed tar stream (ustar, GNU or PAX).
    case tar
    /// A tar stream inside gzip (`.tgz`, `.tar.gz`).
    case tarGzip
    /// A zip file (stored or deflated entries, zip64).
    case zip

    /// Detects the format from the file's first bytes, whatever its name says: gzip starts
    /// `1f 8b`, a zip `PK\x03\x04` (or `PK\x05\x06` when empty), and a tar file with a header
    /// block whose checksum is valid (or an all-zero block: an empty tar).
    public static func detect(path: String) throws(ArchiveError) -> ArchiveFormat {
        let file = try ArchiveInputFile(path: path)
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: TarHeader.blockSize, alignment: 8)
        defer { block.deallocate() }
        var count = 0
        while count < block.count {
            let n = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: block[count...]))
            if n == 0 { break }
            count += n
        }
        let head = UnsafeRawBufferPointer(rebasing: block[0..<count])
        if head.starts(with: [0x1F, 0x8B]) { return .tarGzip }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if count == TarHeader.blockSize, TarHeader.isZeroBlock(head) || TarHeader.checksumMatches(head) { return .tar }
        throw .notAnArchive
    }
}
