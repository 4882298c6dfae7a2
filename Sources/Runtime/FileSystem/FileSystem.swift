import CLibUV
import Glibc
import Synchronization

/// Blocking file-system helpers. They are for the store thread, start-up, and worker
/// tasks — never for a connection loop's hot path.
public enum FileSystem {
    /// `path` made absolute against the current directory and lexically cleaned.
    public static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return clean(path) }
        return clean(currentDirectory() + "/" + path)
    }

    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Lexical cleaning like Go's `path.Clean`: collapses `//`, `.` and `..`.
    public static func clean(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append(part) }
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `mkdir -p` with `mode` for the directories it creates.
    public static func createDirectories(_ path: String, mode: mode_t) throws(FileSystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            current += "/" + part
            if mkdir(current, mode) != 0 {
                let code = errno
                if code == EEXIST, isDirectory(current) { continue }
                throw FileSystemError(path: current, code: code)
            }
            // mkdir is subject to the umask; apply the mode exactly.
            chmod(current, mode)
        }
    }

    /// Takes an exclusive advisory lock on `fd` without waiting; the kernel drops it when
    /// the process dies, so a crashed daemon never leaves a stale lock.
    public static func tryLock(_ fd: Int32) -> Bool {
        octo_try_lock_fd(fd) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// What kind of file `path` is (symlinks followed unless `followSymlinks` is false), or nil
    /// when it does not exist. Never opens the file, so it cannot block on a FIFO.
    public static func kind(_ path: String, followSymlinks: Bool = true) -> FileKind? {
        var info = stat()
        let status = followSymlinks ? stat(path, &info) : lstat(path, &info)
        guard status == 0 else { return nil }
        return FileKind(mode: info.st_mode)
    }

    /// The size in bytes of what `path` names (symlinks followed), or nil when it does not exist.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The canonical absolute path (`realpath(3)`: symlinks, `.` and `..` resolved), or nil
    /// when `path` does not exist.
    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` is `directory` or lies below it (lexically; pass cleaned absolute paths).
    public static func isInside(_ path: String, directory: String) -> Bool {
        if directory == "/" { return path.hasPrefix("/") }
        return path == directory || path.hasPrefix(directory + "/")
    }

    public static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    public static func readFile(_ path: String, limit: Int = 64 << 20) throws(FileSystemError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, code: errno) }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileSystemError(path: path, code: errno)
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
            if result.count > limit { throw FileSystemError(path: path, code: EFBIG) }
        }
        return result
    }

    /// Distinguishes temp files of concurrent writers within this process.
    private static let temporaryCounter = Atomic<UInt64>(0)

    /// Writes `bytes` to `path` atomically (temp file + rename) with `mode`. Each call writes
    /// its own temp file (pid + counter, created exclusively), so concurrent writers of one
    /// path never share or delete each other's temp file: the last rename wins, whole.
    public static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(FileSystemError) {
        let serial = temporaryCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        let temporary = path + ".tmp-\(getpid())-\(serial)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FileSystemError(path: temporary, code: errno) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                unlink(temporary)
                throw FileSystemError(path: temporary, code: code)
            }
            offset += n
        }
        fchmod(fd, mode)
        close(fd)
        guard Glibc.rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileSystemError(path: path, code: code)
        }
    }
}

/// A failed file-system call.
public struct FileSystemError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let code: Int32
    /// Replaces `strerror(code)` in the description when the errno alone would mislead.
    public let detail: String?

    public init(path: String, code: Int32, detail: String? = nil) {
        self.path = path
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(path): \(detail ?? String(cString: strerror(code)))" }
}

/// The type of a file-system object, from `st_mode`.
public enum FileKind: Sendable, Equatable, CustomStringConvertible {
    case regularFile, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, unknown

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regularFile
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .unknown
        }
    }

    /// `a FIFO`, `a socket`, … for messages.
    public var description: String {
        switch self {
        case .regularFile: "a regular file"
        case .directory: "a directory"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO (named pipe)"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .unknown: "a special file"
        }
    }
}
