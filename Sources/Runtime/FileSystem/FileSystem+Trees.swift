import Glibc

/// Whole-directory operations (blocking; run them on a ``BlockingPool``).
extension FileSystem {
    /// Names in a directory (no `.`/`..`), sorted.
    public static func listDirectory(_ path: String) throws(FileSystemError) -> [String] {
        guard let dir = opendir(path) else { throw FileSystemError(path: path, code: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// `rm -rf path` without following symlinks. Missing paths are fine.
    public static func removeTree(_ path: String) throws(FileSystemError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileSystemError(path: path, code: errno)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            // Make sure we can list and delete inside (read-only dirs from archives).
            chmod(path, 0o700)
            for name in try listDirectory(path) { try removeTree(path + "/" + name) }
            guard rmdir(path) == 0 else { throw FileSystemError(path: path, code: errno) }
        } else {
            guard unlink(path) == 0 else { throw FileSystemError(path: path, code: errno) }
        }
    }

    /// Copies a tree: regular files (with their mode), directories, and symlinks as symlinks.
    /// `skip` receives names relative to `source` ("node_modules", "a/.git") and can prune them.
    public static func copyTree(_ source: String, to destination: String, skip: (String) -> Bool = { _ in false }) throws(FileSystemError) {
        try copyTree(source, to: destination, relative: "", skip: skip)
    }

    private static func copyTree(_ source: String, to destination: String, relative: String, skip: (String) -> Bool) throws(FileSystemError) {
        var info = stat()
        guard lstat(source, &info) == 0 else { throw FileSystemError(path: source, code: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            if mkdir(destination, 0o755) != 0 && errno != EEXIST { throw FileSystemError(path: destination, code: errno) }
            for name in try listDirectory(source) {
                let child = relative.isEmpty ? name : relative + "/" + name
                if skip(child) { continue }
                try copyTree(source + "/" + name, to: destination + "/" + name, relative: child, skip: skip)
            }
            chmod(destination, (info.st_mode & 0o777) | 0o700)
        case S_IFREG:
            try copyFile(source, to: destination, mode: info.st_mode & 0o777)
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(source, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileSystemError(path: source, code: errno) }
            let target = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard symlink(target, destination) == 0 else { throw FileSystemError(path: destination, code: errno) }
        default:
            // Devices, FIFOs, sockets: never part of a package, and opening one could block
            // (a FIFO without a writer) or read forever (/dev/zero). Skipped, never opened.
            break
        }
    }

    /// Bytes in the regular files of a tree (apparent sizes; symlinks not followed, special
    /// files not counted), with the same `skip` as ``copyTree(_:to:skip:)``: what a copy would write.
    public static func treeSize(_ path: String, skip: (String) -> Bool = { _ in false }) throws(FileSystemError) -> Int {
        try treeSize(path, relative: "", skip: skip)
    }

    private static func treeSize(_ path: String, relative: String, skip: (String) -> Bool) throws(FileSystemError) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileSystemError(path: path, code: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            return Int(info.st_size)
        case S_IFDIR:
            var total = 0
            for name in try listDirectory(path) {
                let child = relative.isEmpty ? name : relative + "/" + name
                if skip(child) { continue }
                total += try treeSize(path + "/" + name, relative: child, skip: skip)
            }
            return total
        default:
            return 0
        }
    }

    /// Disk space a tree occupies (allocated blocks, like `du`), symlinks not followed.
    /// Missing paths count 0, as do entries that vanish while it runs.
    public static func diskUsage(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        var total = Int(info.st_blocks) * 512
        if (info.st_mode & S_IFMT) == S_IFDIR, let names = try? listDirectory(path) {
            for name in names { total += diskUsage(path + "/" + name) }
        }
        return total
    }

    /// Copies one regular file (streaming) with `mode`. Anything else at `source` (a FIFO, a
    /// device, a socket: perhaps swapped in after the caller looked) is refused without
    /// blocking: the file is opened non-blocking and checked before a byte is read.
    public static func copyFile(_ source: String, to destination: String, mode: mode_t = 0o644) throws(FileSystemError) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard input >= 0 else { throw FileSystemError(path: source, code: errno) }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw FileSystemError(path: source, code: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileSystemError(path: source, code: EINVAL, detail: "is \(FileKind(mode: info.st_mode)), not a regular file")
        }
        let output = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard output >= 0 else { throw FileSystemError(path: destination, code: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 128 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw FileSystemError(path: source, code: errno) }
            if n == 0 { break }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + offset, n - offset) }
                if w < 0 { if errno == EINTR { continue }; throw FileSystemError(path: destination, code: errno) }
                offset += w
            }
        }
        fchmod(output, mode)
    }

    public static func rename(_ from: String, to: String) throws(FileSystemError) {
        guard Glibc.rename(from, to) == 0 else { throw FileSystemError(path: from, code: errno) }
    }

    /// SHA-256-style streaming reads: calls `body` with consecutive chunks of the file.
    public static func readChunks(_ path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError(path: path, code: errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw FileSystemError(path: path, code: errno) }
            if n == 0 { return }
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
