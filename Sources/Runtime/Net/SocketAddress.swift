/// A host and TCP port as given on the command line (`127.0.0.1:9000`, `[::1]:9000`, `localhost:0`).
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; IPv6 hosts must be bracketed. An empty host means "all interfaces".
    public init(parsing text: String) throws(HostPortError) {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw HostPortError(text, "missing ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw HostPortError(text, "missing port") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw HostPortError(text, "missing port") }
            host = text[..<colon]
            if host.contains(":") { throw HostPortError(text, "IPv6 addresses must be written as [addr]:port") }
            portText = text[text.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let port = Int(portText), port <= 65535 else {
            throw HostPortError(text, "port must be a number from 0 to 65535")
        }
        if host == "*" { host = "" }
        self.host = String(host)
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

/// A `host:port` string that could not be parsed.
public struct HostPortError: Error, CustomStringConvertible, Sendable {
    public let input: String
    public let reason: String
    init(_ input: String, _ reason: String) {
        self.input = input
        self.reason = reason
    }
    public var description: String { "invalid address \"\(input)\": \(reason)" }
}

extension Character {
    /// 0-9 only (Character.isNumber also accepts other scripts' digits).
    public var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
