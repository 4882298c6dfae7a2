import Glibc
import Testing

/// Builds and inspects file trees for archive tests.
enum ArchiveFixture {
    /// What a path in a tree is, with everything extraction promises to preserve.
    enum Node: Equatable, CustomStringConvertible {
        case file(mode: mode_t, bytes: [UInt8])
        case directory(mode: mode_t)
        case symlink(target: String)
        case other

        var description: String {
            switch self {
            case .file(let mode, let bytes): "file(\(String(mode, radix: 8)), \(bytes.count) bytes)"
            case .directory(let mode): "dir(\(String(mode, radix: 8)))"
            case .symlink(let target): "symlink(\(target))"
            case .other: "other"
            }
        }
    }

    static func makeDirectories(_ path: String) {
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) == 0 { chmod(current, 0o755) }
        }
    }

    /// Writes `bytes` to `path` (creating parent directories) and sets `mode` exactly.
    static func write(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) {
        if let slash = path.lastIndex(of: "/") { makeDirectories(String(path[..<slash])) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
        precondition(fd >= 0, "open \(path): \(errno)")
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            precondition(n > 0, "write \(path): \(errno)")
            offset += n
        }
        fchmod(fd, mode)
        close(fd)
    }

    static func write(_ path: String, _ text: String, mode: mode_t = 0o644) {
        write(path, Array(text.utf8), mode: mode)
    }

    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            result += buffer[..<n]
        }
        return result
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Deterministic pseudo-random bytes (so failures reproduce).
    static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Every path below `root` (relative, `/`-separated) with what it is.
    static func snapshot(_ root: String) -> [String: Node] {
        var result: [String: Node] = [:]
        func walk(_ directory: String, _ relative: String) {
            guard let handle = opendir(directory) else { return }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { names.append(name) }
            }
            closedir(handle)
            for name in names {
                let full = directory + "/" + name
                let key = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(full, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFREG: result[key] = .file(mode: info.st_mode & 0o7777, bytes: read(full) ?? [])
                case S_IFDIR:
                    result[key] = .directory(mode: info.st_mode & 0o7777)
                    walk(full, key)
                case S_IFLNK:
                    var target = [CChar](repeating: 0, count: 4096)
                    let n = readlink(full, &target, target.count - 1)
                    result[key] = .symlink(target: String(decoding: target[..<max(0, n)].map { UInt8(bitPattern: $0) }, as: UTF8.self))
                default: result[key] = .other
                }
            }
        }
        walk(root, "")
        return result
    }

    /// Builds the standard source tree used by the round-trip tests: nested directories, an
    /// empty directory and an empty file, an executable, binary data larger than the 64 KiB
    /// copy buffers, and names with spaces and non-ASCII characters.
    static func makeSampleTree(at root: String) {
        makeDirectories(root)
        write(root + "/package.json", #"{"name":"sample","version":"1.0.0","bin":{"sample":"bin/cli.js"}}"# + "\n")
        write(root + "/index.js", "module.exports = 42;\n")
        write(root + "/bin/cli.js", "#!/usr/bin/env node\nconsole.log(require('..'));\n", mode: 0o755)
        write(root + "/lib/deep/nested/data.bin", noise(count: 200_000, seed: 7))
        write(root + "/lib/all-bytes.bin", (0...255).map { UInt8($0) })
        write(root + "/lib/empty.txt", [])
        write(root + "/docs/read me ü.md", "# Hello, wörld\n")
        makeDirectories(root + "/empty-dir")
        chmod(root + "/empty-dir", 0o755)
    }

    /// Asserts that `actual` has exactly the entries of `expected` (paths, kinds, modes, bytes).
    static func expectSameTree(
        _ actual: [String: Node], _ expected: [String: Node], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!expected.isEmpty, "an empty expected tree proves nothing", sourceLocation: sourceLocation)
        #expect(actual.keys.sorted() == expected.keys.sorted(), sourceLocation: sourceLocation)
        for (key, node) in expected where actual[key] != nil {
            #expect(actual[key] == node, "\(key)", sourceLocation: sourceLocation)
        }
    }
}
