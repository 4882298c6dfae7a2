import Glibc

/// Creates directories and files below the destination without ever following a symlink.
///
/// Every entry is resolved from a descriptor on the destination, one component at a time,
/// with `openat(…, O_NOFOLLOW)`: a symlink anywhere on the way (left there by someone
/// else, since extraction creates none) fails the entry as an unsafe path instead of
/// redirecting the write outside. Files are created with `O_EXCL`, so an existing file is
/// replaced by unlinking it first, never written through (it could be a hardlink).
///
/// It also remembers the links it skipped: a later entry below one of their names (a
/// `link -> /etc` entry followed by `link/passwd`) is rejected as unsafe, because the
/// archive plainly meant to write through the link.
final class ExtractionDestination {
    private let root: Int32
    private let rootPath: String
    private let limits: ArchiveLimits
    private var skippedNames: Set<String> = []
    private var entries = 0
    private var accountedBytes = 0
    private(set) var summary = ArchiveSummary()

    init(path: String, limits: ArchiveLimits) throws(ArchiveError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileSystem("open", path, errno) }
        root = fd
        rootPath = path
        self.limits = limits
    }

    deinit { close(root) }

    /// Counts one more entry against ``ArchiveLimits/maximumEntries``.
    func countEntry() throws(ArchiveError) {
        entries += 1
        if entries > limits.maximumEntries { throw .tooManyEntries(limits.maximumEntries) }
    }

    /// Checks a file of `size` bytes against the per-file and total limits before any of it is written.
    func reserve(_ size: Int, for path: ArchiveEntryPath, isFile: Bool) throws(ArchiveError) {
        if isFile, size > limits.maximumFileBytes { throw .entryTooLarge(path.joined, limits.maximumFileBytes) }
        if size > limits.maximumTotalBytes - accountedBytes { throw .totalTooLarge(limits.maximumTotalBytes) }
        accountedBytes += size
    }

    /// Records an entry that is not extracted (link, device, fifo, …).
    func skip(_ path: ArchiveEntryPath) throws(ArchiveError) {
        try checkNotBelowSkipped(path)
        guard !path.isRoot else { return }
        skippedNames.insert(path.joined)
        summary.skipped.append(path.joined)
    }

    /// Creates `path` and any missing parents (0755).
    func makeDirectory(_ path: ArchiveEntryPath) throws(ArchiveError) {
        try checkNotBelowSkipped(path)
        guard !path.isRoot else { return }
        skippedNames.remove(path.joined)
        let fd = try openDirectory(path.components[...], for: path)
        if fd != root { close(fd) }
    }

    /// Creates the file `path` (0644, or 0755 when `executable`), replacing an earlier file
    /// of the same name; a directory of that name is a conflict.
    func createFile(_ path: ArchiveEntryPath, executable: Bool) throws(ArchiveError) -> ArchiveOutputFile {
        try checkNotBelowSkipped(path)
        guard let leaf = path.components.last else { throw .conflictingEntry(path.joined) }
        skippedNames.remove(path.joined)
        let parent = try openDirectory(path.components.dropLast(), for: path)
        defer { if parent != root { close(parent) } }
        let mode: mode_t = executable ? 0o755 : 0o644
        var replaced = false
        while true {
            let fd = openat(parent, leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd >= 0 {
                fchmod(fd, mode)  // the umask applies to openat's mode
                summary.files += 1
                return ArchiveOutputFile(descriptor: fd, path: rootPath + "/" + path.joined)
            }
            let code = errno
            guard code == EEXIST, !replaced else { throw .fileSystem("create", rootPath + "/" + path.joined, code) }
            switch try fileType(parent, leaf, path) {
            case S_IFREG:
                guard unlinkat(parent, leaf, 0) == 0 else { throw .fileSystem("replace", rootPath + "/" + path.joined, errno) }
                replaced = true
            case S_IFLNK: throw .unsafePath(path.joined)
            default: throw .conflictingEntry(path.joined)
            }
        }
    }

    /// Notes bytes written to a file created by ``createFile(_:executable:)``.
    func recordWritten(_ count: Int) { summary.bytes += count }

    private func checkNotBelowSkipped(_ path: ArchiveEntryPath) throws(ArchiveError) {
        guard !skippedNames.isEmpty else { return }
        for ancestor in path.ancestors where skippedNames.contains(ancestor) { throw .unsafePath(path.joined) }
    }

    /// Opens (creating as needed) the directory made of `components` below the root; the
    /// caller closes the result unless it is `root`.
    private func openDirectory(_ components: ArraySlice<[CChar]>, for path: ArchiveEntryPath) throws(ArchiveError) -> Int32 {
        var current = root
        for component in components {
            var created = false
            if mkdirat(current, component, 0o755) == 0 {
                created = true
                summary.directories += 1
            } else if errno != EEXIST {
                let code = errno
                if current != root { close(current) }
                throw .fileSystem("create directory", rootPath + "/" + path.joined, code)
            }
            let next = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 {
                let code = errno
                defer { if current != root { close(current) } }
                // Something that is not a directory is in the way: a symlink is an escape attempt, anything else a clash.
                if code == ELOOP || code == ENOTDIR {
                    if try fileType(current, component, path) == S_IFLNK { throw .unsafePath(path.joined) }
                    throw .conflictingEntry(path.joined)
                }
                throw .fileSystem("open directory", rootPath + "/" + path.joined, code)
            }
            if created { fchmod(next, 0o755) }
            if current != root { close(current) }
            current = next
        }
        return current
    }

    private func fileType(_ directory: Int32, _ name: [CChar], _ path: ArchiveEntryPath) throws(ArchiveError) -> mode_t {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw .fileSystem("stat", rootPath + "/" + path.joined, errno)
        }
        return info.st_mode & S_IFMT
    }
}
