/// Extracts a tar stream (plain or gunzipped) entry by entry into an ``ExtractionDestination``.
enum TarExtraction {
    static func run<Source: ArchiveByteSource>(
        source: Source, into destination: ExtractionDestination, limits: ArchiveLimits
    ) throws(ArchiveError) {
        let reader = TarReader(source: source, limits: limits)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { chunk.deallocate() }

        while let entry = try reader.next() {
            try destination.countEntry()
            // A volume label names the tape, not a file.
            if entry.kind == .volumeLabel { continue }
            let path = try ArchiveEntryPath(validating: entry.name, limits: limits)
            switch entry.kind {
            case .file where !entry.isSparse:
                try destination.reserve(entry.size, for: path, isFile: true)
                let file = try destination.createFile(path, executable: entry.mode & 0o111 != 0)
                var remaining = entry.size
                while remaining > 0 {
                    let n = try reader.readData(into: chunk)
                    try file.write(UnsafeRawBufferPointer(rebasing: chunk[..<n]))
                    destination.recordWritten(n)
                    remaining -= n
                }
                try file.close()
            case .directory, .gnuDumpDirectory:
                try destination.reserve(entry.size, for: path, isFile: false)  // a dump directory's listing is skipped
                try destination.makeDirectory(path)
            default:
                // Links, devices, fifos, sparse files and unknown types: their data (if any)
                // is skipped by the reader but still counts, so a huge skipped entry is bounded.
                try destination.reserve(entry.size, for: path, isFile: false)
                try destination.skip(path)
            }
        }
        // Read to the end so that a gzip trailer (CRC-32 and length) is verified even though
        // the tar stream is complete; tar's zero padding is small.
        try reader.stream.drain(limit: limits.maximumTotalBytes, limitError: .totalTooLarge(limits.maximumTotalBytes))
    }
}
