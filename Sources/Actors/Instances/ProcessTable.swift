import Glibc
import Runtime

/// Reads facts about processes from /proc: enough to tell a process we started from an
/// unrelated one that got the same pid later.
enum ProcessTable {
    /// Start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat), or nil.
    static func startTicks(pid: Int32) -> Int64? {
        guard let bytes = try? FileSystem.readFile("/proc/\(pid)/stat", limit: 4096) else { return nil }
        // The command name (field 2) is parenthesised and may contain spaces: split after the last ')'.
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // Fields after the name start at field 3 (state); start time is field 22 → index 19.
        guard fields.count > 19 else { return nil }
        return Int64(String(decoding: fields[19], as: UTF8.self))
    }

    /// The command line of `pid` (arguments split on NUL).
    static func commandLine(pid: Int32) -> [String] {
        guard let bytes = try? FileSystem.readFile("/proc/\(pid)/cmdline", limit: 1 << 20) else { return [] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every process id in /proc.
    static func allPIDs() -> [Int32] {
        ((try? FileSystem.listDirectory("/proc")) ?? []).compactMap { Int32($0) }
    }

    /// The working directory of `pid` (`/proc/<pid>/cwd`; a removed one ends in ` (deleted)`),
    /// or nil when it is gone or not ours to see.
    static func workingDirectory(pid: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/\(pid)/cwd", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Whether `pid` is still the process recorded with `ticks` (and not a zombie).
    static func isAlive(pid: Int32, startTicks ticks: Int64?) -> Bool {
        guard pid > 0, let current = startTicks(pid: pid) else { return false }
        if let ticks, current != ticks { return false }
        if let status = try? FileSystem.readFile("/proc/\(pid)/stat", limit: 4096),
           let close = status.lastIndex(of: UInt8(ascii: ")")), close + 2 < status.count, status[close + 2] == UInt8(ascii: "Z") {
            return false
        }
        return true
    }
}
