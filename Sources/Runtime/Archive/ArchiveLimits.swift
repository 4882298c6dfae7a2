/// Bounds on what one extraction may create, so that a hostile or broken archive (a zip bomb,
/// millions of empty entries, absurd names) fails with a clear error instead of filling the disk.
public struct ArchiveLimits: Sendable {
    /// 200,000 entries: a large `node_modules` tree has tens of thousands of files.
    public static let defaultMaximumEntries = 200_000
    /// 2 GiB of file data in total: far above any service package.
    public static let defaultMaximumTotalBytes = 2 << 30
    /// 1 GiB for one file: bundled binaries stay well below it.
    public static let defaultMaximumFileBytes = 1 << 30
    /// 4096 bytes per entry path: Linux's `PATH_MAX`.
    public static let defaultMaximumPathBytes = 4096

    /// Entries of any kind (files, directories, skipped links); tar extended headers are counted separately against the same bound.
    public var maximumEntries: Int
    /// Sum of the sizes of all files written (and of data skipped over).
    public var maximumTotalBytes: Int
    /// Size of one file.
    public var maximumFileBytes: Int
    /// Length of one entry name in bytes, before cleaning.
    public var maximumPathBytes: Int

    public init(
        maximumEntries: Int = Self.defaultMaximumEntries,
        maximumTotalBytes: Int = Self.defaultMaximumTotalBytes,
        maximumFileBytes: Int = Self.defaultMaximumFileBytes,
        maximumPathBytes: Int = Self.defaultMaximumPathBytes
    ) {
        self.maximumEntries = maximumEntries
        self.maximumTotalBytes = maximumTotalBytes
        self.maximumFileBytes = maximumFileBytes
        self.maximumPathBytes = maximumPathBytes
    }
}
