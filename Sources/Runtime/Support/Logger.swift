import Glibc
import Synchronization

/// Writes `key=value` log lines to stderr:
/// `ts=2026-11-25T11:32:53.123456789Z level=info msg=daemon_listening addr=127.0.0.1:9000`.
///
/// Values with spaces, quotes or `=` are quoted. Callers must never pass secrets,
/// tokens, configuration or bodies; ``redacted(_:)`` helps with URLs.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String {
            switch self {
            case .debug: "debug"
            case .info: "info"
            case .warning: "warn"
            case .error: "error"
            }
        }
    }

    public var minimumLevel: Level
    /// Serialises writes so lines from different threads never interleave.
    private static let lock = Mutex(())

    public init(minimumLevel: Level = .info) {
        self.minimumLevel = minimumLevel
    }

    public func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.info, message, fields) }
    public func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.warning, message, fields) }
    public func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) { log(.error, message, fields) }

    public func log(_ level: Level, _ message: String, _ fields: KeyValuePairs<String, String>) {
        guard level >= minimumLevel else { return }
        log(level, message, fields: Array(fields))
    }

    public func log(_ level: Level, _ message: String, fields: [(String, String)]) {
        guard level >= minimumLevel else { return }
        var line = "ts=\(Timestamp.now().rfc3339Nano) level=\(level.name) msg=\(Self.quote(message))"
        for (key, value) in fields {
            line += " \(key)=\(Self.quote(value))"
        }
        line += "\n"
        Self.lock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { if errno == EINTR { continue }; break }
                offset += n
            }
            bytes.removeAll()
        }
    }

    /// Quotes a value when it contains spaces, quotes, `=` or control characters.
    static func quote(_ value: String) -> String {
        if value.isEmpty { return "\"\"" }
        var needs = false
        for byte in value.utf8 where byte <= 32 || byte == 34 || byte == 61 || byte == 92 || byte == 127 {
            needs = true
            break
        }
        guard needs else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 32 || scalar.value == 127 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
