import Glibc

/// Hard-linked trees (blocking; run them on a ``BlockingPool``).
extension FileSystem {
    /// Recreates the tree at `source` under `destination` with each regular file hard-linked
    /// (so both names share one copy on disk), directories made afresh, symlinks copied as
    /// symlinks and special files skipped, as ``copyTree(_:to:skip:)`` does. Where the file
    /// system refuses a link (another device, a file system without links) the file is copied.
    public static func linkTree(_ source: String, to destination: String) throws(FileSystemError) {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw FileSystemError(path: source, code: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            if mkdir(destination, 0o755) != 0 && errno != EEXIST { throw FileSystemError(path: destination, code: errno) }
            for name in try listDirectory(source) { try linkTree(source + "/" + name, to: destination + "/" + name) }
        case S_IFREG:
            if link(source, destination) != 0 {
                let code = errno
                guard code == EXDEV || code == EPERM || code == EMLINK || code == ENOTSUP else {
                    throw FileSystemError(path: destination, code: code)
                }
                try copyFile(source, to: destination, mode: info.st_mode & 0o777)
            }
        case S_IFLNK:
            try copyTree(source, to: destination)
        default:
            break
        }
    }

    /// Whether the file at `path` has its owner's execute bit.
    public static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_mode & S_IXUSR != 0
    }

    /// How many names the file at `path` has (`st_nlink`), nil when it does not exist.
    public static func linkCount(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Int(info.st_nlink)
    }
}
