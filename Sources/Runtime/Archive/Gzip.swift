import Glibc

/// Gzip compression of whole files, e.g. `git archive --format=tar` output into a `.tgz`.
public enum Gzip {
    /// Streams `file` through gzip into `to` (created or truncated, 0644). The output is
    /// removed if compression fails.
    public static func compress(file: String, to: String) throws(ArchiveError) {
        let input = try ArchiveInputFile(path: file)
        // Truncating the output must not destroy the input: refuse to compress a file into itself.
        let source = try input.status()
        var existing = stat()
        if stat(to, &existing) == 0 && existing.st_dev == source.st_dev && existing.st_ino == source.st_ino {
            throw .compressIntoItself(to)
        }
        let output = try ArchiveOutputFile.create(path: to)
        do {
            let sink = GzipCompressingSink(file: output)
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
            defer { chunk.deallocate() }
            while true {
                let n = try input.read(into: chunk)
                if n == 0 { break }
                try sink.write(UnsafeRawBufferPointer(rebasing: chunk[..<n]))
            }
            try sink.finish()
            try output.close()
        } catch {
            output.discard()
            throw error
        }
    }
}
