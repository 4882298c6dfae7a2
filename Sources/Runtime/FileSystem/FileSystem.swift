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
    public var description: String { "\(path): \(String(cString: strerror(code)))" }
}
