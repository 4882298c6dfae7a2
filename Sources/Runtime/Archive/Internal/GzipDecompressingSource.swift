/// The decompressed bytes of a gzip file, produced on demand in small steps.
///
/// Handles multi-member files (`cat a.gz b.gz`), as gzip(1) does. Bytes after the last
/// member that do not start another member (tar.gz files padded with zeros exist) are
/// ignored, again like gzip(1). zlib checks each member's CRC-32 and length trailer.
final class GzipDecompressingSource: ArchiveByteSource {
    private static let inputSize = 64 << 10

    private let file: ArchiveInputFile
    private let inflater: ZlibInflater
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    private var inputExhausted = false
    private var finished = false

    init(file: ArchiveInputFile) throws(ArchiveError) {
        self.file = file
        do { inflater = try ZlibInflater(.gzip) } catch { throw .corruptGzip(error.detail) }
        input = .allocate(byteCount: Self.inputSize, alignment: 8)
        try refill()
        // Say "not a gzip file" rather than zlib's "incorrect header check" for the common mistake.
        if inputEnd - inputStart >= 2, input[inputStart] != 0x1F || input[inputStart + 1] != 0x8B { throw .notGzip }
    }

    deinit { input.deallocate() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        while !finished {
            if inputStart == inputEnd && !inputExhausted { try refill() }
            let available = UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd])
            let progress: ZlibInflater.Progress
            do { progress = try inflater.step(input: available, output: buffer) } catch { throw .corruptGzip(error.detail) }
            inputStart += progress.consumed
            if progress.finished {
                // The end of one member: another may follow.
                if inputStart == inputEnd && !inputExhausted { try refill() }
                if inputStart < inputEnd && input[inputStart] == 0x1F {
                    inflater.reset()
                } else {
                    finished = true
                }
            } else if progress.produced == 0 && inputStart == inputEnd && inputExhausted {
                throw .truncated
            }
            if progress.produced > 0 { return progress.produced }
        }
        return 0
    }

    private func refill() throws(ArchiveError) {
        inputStart = 0
        inputEnd = try file.read(into: input)
        if inputEnd == 0 { inputExhausted = true }
    }
}
