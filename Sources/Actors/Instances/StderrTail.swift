import Glibc
import Protocols
import Runtime

/// The last lines an instance wrote to its `stderr.log` before it exited, so that a start
/// that failed says why ("Error: missing apiToken") and not only "process exited (exit status 1)".
///
/// Bounded: only what this start wrote (from the log's size before the spawn), at most the
/// last ``maximumBytes`` of it, ``maximumLines`` lines of ``maximumLineLength`` characters.
/// Node's stack frames (`    at …`), caret markers and its `Node.js vX` trailer are left out,
/// so the lines kept are the ones that name the cause. Redacted like all output: URL
/// credentials are masked, and so is every string of the instance's secret.
enum StderrTail {
    static let maximumBytes = 16 * 1024
    static let maximumLines = 6
    static let maximumLineLength = 300

    /// Reads the tail of `path` written after `offset` (blocking: run it on the pool); nil when
    /// nothing useful was written.
    static func read(_ path: String, from offset: Int, secretJSON: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(info.st_size)
        let start = max(offset, size - maximumBytes, 0)
        guard size > start else { return nil }
        var bytes = [UInt8](repeating: 0, count: size - start)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
        guard count > 0 else { return nil }
        return summarize(String(decoding: bytes[0..<count], as: UTF8.self), secrets: secretStrings(secretJSON))
    }

    /// The lines that say why, joined with " | ", redacted.
    static func summarize(_ text: String, secrets: [String]) -> String? {
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { $0.trimmingASCIIWhitespace() }.filter { line in
            !line.isEmpty && !line.hasPrefix("at ") && !line.allSatisfy({ $0 == "^" || $0 == " " }) && !line.hasPrefix("Node.js v")
        }
        guard !lines.isEmpty else { return nil }
        let kept = lines.suffix(maximumLines).map { line -> String in
            var line = RedactedURL.redact(line)
            for secret in secrets { line = line.replacing(secret, with: RedactedURL.mask) }
            return line.count > maximumLineLength ? String(line.prefix(maximumLineLength)) + "…" : line
        }
        return kept.joined(separator: " | ")
    }

    /// Every string value in the secret JSON long enough to be worth masking, longest first
    /// (so a secret that contains another is masked whole).
    static func secretStrings(_ json: String) -> [String] {
        guard let value = try? JSONParser.parse(json) else { return [] }
        var found: [String] = []
        func walk(_ value: JSONValue) {
            if let text = value.stringValue, text.count >= 4 { found.append(text) }
            value.arrayValue?.forEach(walk)
            value.objectValue?.forEach { walk($0.value) }
        }
        walk(value)
        return found.sorted { $0.count > $1.count }
    }
}
