/// Bounds on what one import may unpack and write, so that a hostile or broken package (an
/// archive bomb, a dependency tree without end) fails early with a clear error instead of
/// filling the disk. Set with `octobus serve --import-max-unpacked-bytes/--import-max-disk-bytes`.
public struct ImportLimits: Sendable, Equatable {
    /// 1 GiB of package files: an archive's contents, a local directory's files, or what
    /// `npm pack` produced. Service packages weigh megabytes; 1 GiB still leaves room for an
    /// archive that ships its own `node_modules`, and refuses an archive bomb before the disk fills.
    public static let defaultMaximumUnpackedBytes = 1 << 30
    /// 2 GiB written into one import's staging directory: the artifact, the package, its
    /// runtime copy (a second copy of the package), a build copy, and npm's `node_modules`.
    /// A typical service with its dependencies needs tens to hundreds of MiB.
    public static let defaultMaximumDiskBytes = 2 << 30

    /// Bytes of regular files one package may unpack to (per extraction or directory copy).
    public var maximumUnpackedBytes: Int
    /// Bytes (allocated, as `du` counts them) the import's staging directory may hold at once.
    public var maximumDiskBytes: Int

    public init(maximumUnpackedBytes: Int = Self.defaultMaximumUnpackedBytes,
                maximumDiskBytes: Int = Self.defaultMaximumDiskBytes) {
        self.maximumUnpackedBytes = maximumUnpackedBytes
        self.maximumDiskBytes = maximumDiskBytes
    }
}
