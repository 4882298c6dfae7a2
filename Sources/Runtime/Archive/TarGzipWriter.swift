import Glibc

/// Packs a directory as a `.tar.gz`, the artifact stored for local-directory imports.
///
/// Output is reproducible: names are sorted by their bytes, and owners, times and modes are
/// normalised (uid/gid 0, mtime 1985-10-26 08:15 UTC like `npm pack`, 0755 for directories
/// and executables, 0644 otherwise), so identical trees give identical bytes.
public enum TarGzipWriter {
    /// The fixed mtime, 1985-10-26T08:15:00Z: npm's choice, recognisable as "not a real time".
    static let modificationTime = 499_162_500

    /// Writes `directory`'s contents (regular files and directories, recursively; symlinks and
    /// special files skipped) as a gzip-compressed tar at `path`. Entry names are relative
    /// (`package.json`, `bin/x.js`), under `prefix/` when given (e.g. `"package"`, which gets
    /// its own directory entry). `excluding` receives each relative name without the prefix
    /// (`node_modules`, `bin/x.js`); returning true leaves out that entry and, for a
    /// directory, everything below it. The output file itself is never included, and is
    /// removed if writing fails.
    public static func write(
        directory: String, to path: String, prefix: String? = nil, excluding: (String) -> Bool = { _ in false }
    ) throws(ArchiveError) {
        var prefixBytes: [UInt8] = []
        if let prefix {
            let cleaned = try ArchiveEntryPath(validating: Array(prefix.utf8), limits: ArchiveLimits())
            if !cleaned.isRoot { prefixBytes = Array(cleaned.joined.utf8) + [UInt8(ascii: "/")] }
        }
        let output = try ArchiveOutputFile.create(path: path)
        do {
            let outputInfo = try output.status()
            let writer = Writer(
                sink: GzipCompressingSink(file: output), prefix: prefixBytes, output: (outputInfo.st_dev, outputInfo.st_ino))
            if !prefixBytes.isEmpty { try writer.writeDirectoryHeader(prefixBytes) }
            try writer.walk(directory: directory, excluding: excluding)
            try writer.finish()
            try output.close()
        } catch {
            output.discard()
            throw error
        }
    }

    /// The state of one write: the compressor, the name prefix, a copy buffer, and the
    /// output's identity (so that an output inside the directory is not archived into itself).
    ///
    /// The walk goes through directory descriptors (`openat`/`fstatat` with `O_NOFOLLOW`), so a
    /// directory swapped for a symlink mid-walk is not followed, and names are kept as the
    /// bytes the kernel returned (even if they are not UTF-8).
    private struct Writer {
        let sink: GzipCompressingSink
        let prefix: [UInt8]
        let output: (device: dev_t, inode: ino_t)
        private let chunk = ChunkBuffer()

        init(sink: GzipCompressingSink, prefix: [UInt8], output: (dev_t, ino_t)) {
            self.sink = sink
            self.prefix = prefix
            self.output = output
        }

        /// Archives the contents of `directory` (the caller's path: a symlink there is followed).
        func walk(directory: String, excluding: (String) -> Bool) throws(ArchiveError) {
            let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw .fileSystem("open directory", directory, errno) }
            defer { close(fd) }
            try walk(fd, path: directory, relative: [], excluding: excluding)
        }

        private func walk(_ directory: Int32, path: String, relative: [UInt8], excluding: (String) -> Bool) throws(ArchiveError) {
            for name in try Self.sortedNames(directory, path: path) {
                let nameBytes = name.dropLast().map { UInt8(bitPattern: $0) }  // without the NUL
                let entry = relative.isEmpty ? nameBytes : relative + [UInt8(ascii: "/")] + nameBytes
                if excluding(String(decoding: entry, as: UTF8.self)) { continue }
                let full = path + "/" + String(decoding: nameBytes, as: UTF8.self)
                var info = stat()
                guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { throw .fileSystem("stat", full, errno) }
                if info.st_dev == output.device && info.st_ino == output.inode { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    let child = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    guard child >= 0 else { throw .fileSystem("open directory", full, errno) }
                    defer { close(child) }
                    try writeDirectoryHeader(prefix + entry + [UInt8(ascii: "/")])
                    try walk(child, path: full, relative: entry, excluding: excluding)
                case S_IFREG:
                    // Non-blocking: a FIFO swapped in after fstatat must not hang the open.
                    let fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
                    guard fd >= 0 else { throw .fileSystem("open", full, errno) }
                    try writeFile(ArchiveInputFile(descriptor: fd, path: full), name: prefix + entry)
                default:
                    continue  // symlinks, sockets, fifos, devices
                }
            }
        }

        func writeDirectoryHeader(_ name: [UInt8]) throws(ArchiveError) {
            try sink.write(TarHeader.encode(
                name: name, isDirectory: true, mode: 0o755, size: 0, modificationTime: TarGzipWriter.modificationTime))
        }

        private func writeFile(_ file: ArchiveInputFile, name: [UInt8]) throws(ArchiveError) {
            // Checked again on the open descriptor: the entry fstatat saw may have been replaced.
            let info = try file.status()
            guard info.st_mode & S_IFMT == S_IFREG else { return }
            let size = Int(info.st_size)
            let mode = info.st_mode & 0o111 != 0 ? 0o755 : 0o644
            try sink.write(TarHeader.encode(
                name: name, isDirectory: false, mode: mode, size: size, modificationTime: TarGzipWriter.modificationTime))
            var remaining = size
            while remaining > 0 {
                let buffer = UnsafeMutableRawBufferPointer(rebasing: chunk.bytes[..<min(chunk.bytes.count, remaining)])
                let n = try file.read(into: buffer)
                // A file that shrank would leave the archive short; one that grew is cut at its stat size.
                if n == 0 { throw .sourceChanged(file.path) }
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
                remaining -= n
            }
            let padding = (TarHeader.blockSize - size % TarHeader.blockSize) % TarHeader.blockSize
            try sink.write([UInt8](repeating: 0, count: padding))
        }

        /// Two zero blocks end a tar archive; then the gzip trailer.
        func finish() throws(ArchiveError) {
            try sink.write([UInt8](repeating: 0, count: 2 * TarHeader.blockSize))
            try sink.finish()
        }

        /// Entry names of the open directory (NUL-terminated, without `.` and `..`), in byte order.
        private static func sortedNames(_ directory: Int32, path: String) throws(ArchiveError) -> [[CChar]] {
            // fdopendir takes ownership of its descriptor, so give it a duplicate (close-on-exec,
            // like every descriptor the daemon opens, so no child process inherits it).
            let copy = fcntl(directory, F_DUPFD_CLOEXEC, 0)
            guard copy >= 0, let handle = fdopendir(copy) else {
                let code = errno
                if copy >= 0 { close(copy) }
                throw .fileSystem("read directory", path, code)
            }
            defer { closedir(handle) }
            var names: [[CChar]] = []
            while true {
                errno = 0
                guard let entry = readdir(handle) else {
                    if errno != 0 { throw .fileSystem("read directory", path, errno) }
                    break
                }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    raw.prefix { $0 != 0 }.map { CChar(bitPattern: $0) } + [0]
                }
                if name != [0x2E, 0] && name != [0x2E, 0x2E, 0] { names.append(name) }
            }
            return names.sorted { $0.lexicographicallyPrecedes($1) { UInt8(bitPattern: $0) < UInt8(bitPattern: $1) } }
        }
    }

    /// A 64 KiB copy buffer freed with the writer.
    private final class ChunkBuffer {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        deinit { bytes.deallocate() }
    }
}
