/// Gzip-compresses what is written to it into an output file, in small steps.
final class GzipCompressingSink {
    private static let outputSize = 64 << 10

    private let file: ArchiveOutputFile
    private let deflater = ZlibDeflater()
    private let output: UnsafeMutableRawBufferPointer

    init(file: ArchiveOutputFile) {
        self.file = file
        output = .allocate(byteCount: Self.outputSize, alignment: 8)
    }

    deinit { output.deallocate() }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        var remaining = bytes
        while !remaining.isEmpty {
            let progress = deflater.step(input: remaining, output: output, finish: false)
            remaining = UnsafeRawBufferPointer(rebasing: remaining[progress.consumed...])
            if progress.produced > 0 { try file.write(UnsafeRawBufferPointer(rebasing: output[..<progress.produced])) }
        }
    }

    func write(_ bytes: [UInt8]) throws(ArchiveError) {
        // Array's withUnsafeBytes rethrows untyped errors; Result keeps the type.
        try bytes.withUnsafeBytes { raw in Result { () throws(ArchiveError) in try write(raw) } }.get()
    }

    /// Flushes the compressor and writes the gzip trailer; the file stays open.
    func finish() throws(ArchiveError) {
        while true {
            let progress = deflater.step(input: UnsafeRawBufferPointer(start: nil, count: 0), output: output, finish: true)
            if progress.produced > 0 { try file.write(UnsafeRawBufferPointer(rebasing: output[..<progress.produced])) }
            if progress.finished { return }
        }
    }
}
