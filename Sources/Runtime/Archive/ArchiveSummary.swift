/// What an extraction created, for progress messages and logs.
public struct ArchiveSummary: Sendable, Equatable {
    /// Regular-file entries written (a name that appears twice counts twice: the later one wins).
    public var files: Int
    /// Directories created, whether named by an entry or implied by a file's path.
    public var directories: Int
    /// Bytes of file data written.
    public var bytes: Int
    /// Cleaned names of entries that were not extracted: symlinks, hardlinks, devices, fifos,
    /// sparse files and unknown entry types, in archive order.
    public var skipped: [String]

    public init(files: Int = 0, directories: Int = 0, bytes: Int = 0, skipped: [String] = []) {
        self.files = files
        self.directories = directories
        self.bytes = bytes
        self.skipped = skipped
    }
}
