import Glibc
import Protocols
import Runtime

/// Reads `access.log` for `GET /admin/v1/logs/access` (SPEC §9): exact-match filters, the
/// first N or last N matching lines, and new lines after an offset (follow). Blocking file
/// reads: run on the blocking pool. Lines are returned as written (bytes, newline included).
struct AccessLogQuery: Sendable {
    var capset: String?
    var instance: String?
    var service: String?

    /// Chunk size for reading; lines longer than this are still handled (they span chunks).
    static let chunkBytes = 64 * 1024

    func matches(_ line: ArraySlice<UInt8>) -> Bool {
        guard capset != nil || instance != nil || service != nil else { return true }
        guard let object = (try? JSONParser.parse(Array(line)))?.objectValue else { return false }
        if let capset, object["capset"]?.stringValue != capset { return false }
        if let instance, object["instance"]?.stringValue != instance { return false }
        if let service, object["service"]?.stringValue != service { return false }
        return true
    }

    /// Calls `body` with each complete line from `offset` on; returns the offset after the last
    /// complete line (a partial last line is left for the next read).
    static func scan(path: String, from offset: Int, _ body: (ArraySlice<UInt8>) -> Bool) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return offset }
        defer { close(fd) }
        var position = offset
        var consumed = offset
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkBytes)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, chunkBytes, off_t(position)) }
            if n <= 0 { break }
            position += n
            pending.append(contentsOf: chunk[0..<n])
            var start = 0
            while let newline = pending[start...].firstIndex(of: 10) {
                let line = pending[start...newline]
                start = newline + 1
                consumed += line.count
                if !body(line) { return consumed }
            }
            pending.removeFirst(start)
        }
        return consumed
    }

    /// The first `limit` matches (0 = all), and the offset to follow from.
    func first(path: String, limit: Int) -> (lines: [[UInt8]], offset: Int) {
        var lines: [[UInt8]] = []
        let end = Self.scan(path: path, from: 0) { line in
            if matches(line) { lines.append(Array(line)) }
            return limit == 0 || lines.count < limit
        }
        return (lines, end)
    }

    /// The last `count` matches, and the offset to follow from.
    func last(path: String, count: Int) -> (lines: [[UInt8]], offset: Int) {
        // A ring of the last `count` matches: `next` is where the oldest one is overwritten.
        var ring: [[UInt8]] = []
        ring.reserveCapacity(min(count, 4096))
        var next = 0
        let end = Self.scan(path: path, from: 0) { line in
            guard count > 0, matches(line) else { return true }
            if ring.count < count {
                ring.append(Array(line))
            } else {
                ring[next] = Array(line)
                next = (next + 1) % count
            }
            return true
        }
        return (Array(ring[next...] + ring[..<next]), end)
    }

    /// Matches after `offset`; restarts from 0 if the file shrank (it was replaced).
    func after(path: String, offset: Int) -> (lines: [[UInt8]], offset: Int) {
        let size = FileSystem.size(path) ?? 0
        let start = size < offset ? 0 : offset
        var lines: [[UInt8]] = []
        let end = Self.scan(path: path, from: start) { line in
            if matches(line) { lines.append(Array(line)) }
            return true
        }
        return (lines, end)
    }
}
