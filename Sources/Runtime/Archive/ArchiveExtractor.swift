/// Unpacks package archives (npm tarballs, `git archive` output, zips) into a directory,
/// safely enough for archives downloaded from anywhere.
///
/// ## Safety model
///
/// - **Names.** Absolute names, any `..` segment and NUL bytes fail the whole extraction
///   with `unsafe archive path "<name>"`; `.` and empty segments are dropped.
/// - **No links, ever.** Symlinks and hardlinks (and devices, fifos, sparse files, unknown
///   entry types) are skipped and listed in ``ArchiveSummary/skipped``. An entry whose path
///   leads through a skipped link's name is an unsafe path.
/// - **No writing through anything.** Paths are resolved component by component with
///   `openat(O_NOFOLLOW)`, so even a symlink already inside the destination is never
///   followed, and files are created with `O_EXCL` (an earlier file of the same name is
///   unlinked first, a directory of the same name is a conflict).
/// - **Modes are normalised.** Directories 0755; files 0644, or 0755 when the entry had any
///   exec bit. Owners and times are not restored.
/// - **Bounded.** ``ArchiveLimits`` caps entries, per-file and total bytes and name length;
///   zip entries must inflate to exactly their declared size and CRC-32.
/// - **Streaming.** Fixed 64 KiB buffers; no archive, file or directory listing is held in memory.
///
/// All I/O is blocking: call it off the event loops.
public enum ArchiveExtractor {
    /// Extracts `path` (in `format`, see ``ArchiveFormat/detect(path:)``) into `destination`,
    /// an existing, empty directory.
    ///
    /// - Warning: On failure the destination holds whatever was extracted so far (possibly a
    ///   partial file); the caller discards it.
    public static func extract(
        archive path: String, format: ArchiveFormat, into destination: String, limits: ArchiveLimits = .init()
    ) throws(ArchiveError) -> ArchiveSummary {
        let target = try ExtractionDestination(path: destination, limits: limits)
        let file = try ArchiveInputFile(path: path)
        switch format {
        case .tar:
            try TarExtraction.run(source: file, into: target, limits: limits)
        case .tarGzip:
            try TarExtraction.run(source: try GzipDecompressingSource(file: file), into: target, limits: limits)
        case .zip:
            try ZipExtraction.run(file: file, into: target, limits: limits)
        }
        return target.summary
    }
}
