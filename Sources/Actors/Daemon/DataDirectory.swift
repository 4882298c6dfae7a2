import Glibc
import Runtime

/// The daemon's data directory (SPEC §4): made absolute, created 0700, and locked so
/// that a second daemon on the same directory is refused instead of corrupting state.
public final class DataDirectory: Sendable {
    public let path: String
    /// The lock file descriptor, held open (and locked) for the daemon's lifetime.
    private let lockFD: Int32

    public var databasePath: String { path + "/octobus.db" }
    public var accessLogPath: String { path + "/access.log" }
    public var servicesPath: String { path + "/artifacts/services" }
    public var instancesPath: String { path + "/instances" }

    /// Resolves, creates and locks `path`. Throws ``DataDirectoryError`` with a clear message.
    public init(path rawPath: String) throws(DataDirectoryError) {
        let absolute = FileSystem.absolutePath(rawPath)
        do {
            try FileSystem.createDirectories(absolute, mode: 0o700)
        } catch {
            throw DataDirectoryError("cannot create data directory \(absolute): \(error)")
        }
        let lockPath = absolute + "/octobus.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DataDirectoryError("cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        if !FileSystem.tryLock(fd) {
            let holder = (try? FileSystem.readFile(lockPath)).map { String(decoding: $0, as: UTF8.self).trimmingASCIIWhitespace() } ?? ""
            close(fd)
            let who = holder.isEmpty ? "another octobus daemon" : "another octobus daemon (pid \(holder))"
            throw DataDirectoryError("data directory \(absolute) is in use by \(who)")
        }
        ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        path = absolute
        lockFD = fd
    }

    deinit {
        close(lockFD)
    }
}

/// The data directory could not be prepared.
public struct DataDirectoryError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
