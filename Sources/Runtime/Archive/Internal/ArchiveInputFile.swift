import Glibc

/// A read-only file descriptor on an archive or a source file, closed with the object.
/// Sequential reads serve tar streams; positional reads serve zip, which jumps between its
/// central directory and entry data.
final class ArchiveInputFile: ArchiveByteSource {
    let path: String
    let descriptor: Int32

    /// Opens `path`, which must be a regular file; `noFollow` refuses a symlink (used when
    /// archiving a directory's files). The open never blocks: a FIFO without a writer would
    /// otherwise hang the thread forever, so the file is opened non-blocking and its type
    /// checked before anything is read.
    init(path: String, noFollow: Bool = false) throws(ArchiveError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (noFollow ? O_NOFOLLOW : 0))
        guard fd >= 0 else { throw .fileSystem("open", path, errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .fileSystem("stat", path, code)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notARegularFile(path, FileKind(mode: info.st_mode))
        }
        self.path = path
        self.descriptor = fd
    }

    /// Takes ownership of an already opened descriptor; `path` is for messages.
    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    func status() throws(ArchiveError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .fileSystem("stat", path, errno) }
        return info
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw .fileSystem("read", path, errno) }
        }
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file position.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        while true {
            let n = pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw .fileSystem("read", path, errno) }
        }
    }

    /// Reads exactly `count` bytes at `offset`; a short read means the archive was cut off.
    func readFully(at offset: Int, count: Int) throws(ArchiveError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            // Array's withUnsafe… methods rethrow untyped errors; Result keeps the type.
            let n = try bytes.withUnsafeMutableBytes { raw in
                Result { () throws(ArchiveError) in
                    try read(at: offset + done, into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]))
                }
            }.get()
            if n == 0 { throw .truncated }
            done += n
        }
        return bytes
    }
}
