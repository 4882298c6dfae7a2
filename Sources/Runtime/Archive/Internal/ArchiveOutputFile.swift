import Glibc

/// A write-only file descriptor that writes all it is given (retrying short writes and
/// EINTR) and reports the path on failure.
final class ArchiveOutputFile {
    let path: String
    private var descriptor: Int32

    /// Takes ownership of an already opened descriptor.
    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Creates or truncates `path` with `mode` (exactly, whatever the umask).
    static func create(path: String, mode: mode_t = 0o644) throws(ArchiveError) -> ArchiveOutputFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .fileSystem("create", path, errno) }
        fchmod(fd, mode)
        return ArchiveOutputFile(descriptor: fd, path: path)
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    func status() throws(ArchiveError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .fileSystem("stat", path, errno) }
        return info
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .fileSystem("write", path, errno)
            }
            offset += n
        }
    }

    /// Closes the descriptor if still open and removes the file: for outputs left half written by a failure.
    func discard() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
        unlink(path)
    }

    /// Closes the descriptor, reporting a deferred write error (full disk on some file systems).
    func close() throws(ArchiveError) {
        let fd = descriptor
        descriptor = -1
        if Glibc.close(fd) != 0 && errno != EINTR { throw .fileSystem("write", path, errno) }
    }
}
