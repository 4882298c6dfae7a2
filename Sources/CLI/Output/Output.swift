import Glibc
import Protocols

/// Writes CLI results: redacted pretty JSON with sorted keys on stdout, messages on stderr.
enum Output {
    static func printJSON(_ value: JSONValue) {
        let text = JSONWriter(pretty: true, sortedKeys: true).string(Redaction.redact(value))
        writeStdout(text + "\n")
    }

    static func writeStdout(_ text: String) {
        write(1, text)
    }

    static func writeStderr(_ text: String) {
        write(2, text)
    }

    static func writeStdout(bytes: [UInt8]) {
        write(1, bytes)
    }

    private static func write(_ fd: Int32, _ text: String) {
        write(fd, Array(text.utf8))
    }

    private static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
