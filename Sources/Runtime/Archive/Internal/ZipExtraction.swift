import Glibc

/// Extracts a zip file: walks the central directory, and for each file entry finds its local
/// header and streams the stored or deflated data out, checking size and CRC-32.
///
/// The central directory is authoritative (as in Info-ZIP's unzip): local headers written
/// with a data descriptor carry zero sizes, and a local name that disagrees with the
/// central one is treated as corruption, since tools that trust different copies would
/// extract different files.
enum ZipExtraction {
    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let localHeaderSize = 30
    private static let bufferSize = 64 << 10

    static func run(file: ArchiveInputFile, into destination: ExtractionDestination, limits: ArchiveLimits) throws(ArchiveError) {
        let fileSize = Int(try file.status().st_size)
        let directory = try ZipCentralDirectory(file: file, fileSize: fileSize)
        if directory.entryCount > limits.maximumEntries { throw .tooManyEntries(limits.maximumEntries) }
        let records = ArchiveStreamReader(source: ArchiveFileRange(file: file, offset: directory.offset, count: directory.size))
        let buffers = Buffers()
        for _ in 0..<directory.entryCount {
            let entry = try ZipEntry(from: records)
            try destination.countEntry()
            let path = try ArchiveEntryPath(validating: entry.name, limits: limits)
            switch entry.kind {
            case .directory: try destination.makeDirectory(path)
            case .symbolicLink, .other: try destination.skip(path)
            case .file: try extractFile(entry, to: path, from: file, into: destination, buffers: buffers)
            }
        }
    }

    /// Scratch space shared by all entries, plus a raw inflater made on first use.
    private final class Buffers {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: ZipExtraction.bufferSize, alignment: 8)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: ZipExtraction.bufferSize, alignment: 8)
        var inflater: ZlibInflater?

        deinit {
            input.deallocate()
            output.deallocate()
        }
    }

    private static func extractFile(
        _ entry: ZipEntry, to path: ArchiveEntryPath, from file: ArchiveInputFile,
        into destination: ExtractionDestination, buffers: Buffers
    ) throws(ArchiveError) {
        let name = String(decoding: entry.name, as: UTF8.self)
        if entry.isEncrypted { throw .unsupported("zip entry \(ArchiveError.quoted(name)) is encrypted") }
        guard entry.method == 0 || entry.method == 8 else {
            throw .unsupported("zip entry \(ArchiveError.quoted(name)) uses unsupported compression method \(entry.method)")
        }
        if entry.method == 0 && entry.compressedSize != entry.uncompressedSize {
            throw .corruptZipEntry(name, "stored sizes differ")
        }
        try destination.reserve(entry.uncompressedSize, for: path, isFile: true)

        let local = try file.readFully(at: entry.localHeaderOffset, count: localHeaderSize)
        guard local.hasZipSignature(localHeaderSignature, at: 0) else { throw .corruptZipEntry(name, "missing local header") }
        let localName = try file.readFully(at: entry.localHeaderOffset + localHeaderSize, count: local.zipUInt16(at: 26))
        guard localName == entry.name else { throw .corruptZipEntry(name, "local header names a different file") }
        let dataOffset = entry.localHeaderOffset + localHeaderSize + local.zipUInt16(at: 26) + local.zipUInt16(at: 28)
        var data = ArchiveFileRange(file: file, offset: dataOffset, count: entry.compressedSize)

        let output = try destination.createFile(path, executable: entry.mode & 0o111 != 0)
        var crc = CRC32()
        var written = 0
        func emit(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
            written += bytes.count
            // Inflated data beyond the declared size: a lying header, possibly a bomb.
            if written > entry.uncompressedSize { throw .corruptZipEntry(name, "data is larger than its declared size") }
            crc.update(bytes)
            try output.write(bytes)
            destination.recordWritten(bytes.count)
        }

        if entry.method == 0 {
            while true {
                let n = try data.read(into: buffers.output)
                if n == 0 { break }
                try emit(UnsafeRawBufferPointer(rebasing: buffers.output[..<n]))
            }
        } else {
            let inflater: ZlibInflater
            if let existing = buffers.inflater {
                existing.reset()
                inflater = existing
            } else {
                do { inflater = try ZlibInflater(.raw) } catch { throw .corruptZipEntry(name, error.detail) }
                buffers.inflater = inflater
            }
            var inputStart = 0
            var inputEnd = 0
            var finished = false
            while !finished {
                if inputStart == inputEnd {
                    inputStart = 0
                    inputEnd = try data.read(into: buffers.input)
                }
                let progress: ZlibInflater.Progress
                do {
                    progress = try inflater.step(
                        input: UnsafeRawBufferPointer(rebasing: buffers.input[inputStart..<inputEnd]), output: buffers.output)
                } catch {
                    throw .corruptZipEntry(name, error.detail)
                }
                inputStart += progress.consumed
                if progress.produced > 0 { try emit(UnsafeRawBufferPointer(rebasing: buffers.output[..<progress.produced])) }
                finished = progress.finished
                if !finished && progress.produced == 0 && progress.consumed == 0 && inputStart == inputEnd {
                    // The entry's compressed bytes ran out before the deflate stream ended.
                    throw .corruptZipEntry(name, "compressed data ends early")
                }
            }
        }
        if written != entry.uncompressedSize { throw .corruptZipEntry(name, "data is smaller than its declared size") }
        if crc.value != entry.crc { throw .zipChecksumMismatch(name) }
        try output.close()
    }
}
