/// The `Connect-Timeout-Ms` request header: a non-negative decimal integer of at most
/// ``ConnectLimits/maximumTimeoutDigits`` digits, the timeout in milliseconds.
public enum ConnectTimeout {
    /// The header name (lower case).
    public static let headerName = "connect-timeout-ms"

    /// Milliseconds of a header value (surrounding spaces ignored).
    /// - Throws: ``ConnectProtocolError`` (`invalid_argument`) for anything but 1–10 ASCII digits.
    public static func parseMilliseconds(_ text: String) throws(ConnectProtocolError) -> UInt64 {
        var trimmed = Substring(text)
        while trimmed.first == " " || trimmed.first == "\t" { trimmed = trimmed.dropFirst() }
        while trimmed.last == " " || trimmed.last == "\t" { trimmed = trimmed.dropLast() }
        let bytes = Array(trimmed.utf8)
        guard !bytes.isEmpty, bytes.count <= ConnectLimits.maximumTimeoutDigits,
            bytes.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else {
            throw ConnectProtocolError(
                "invalid \(headerName) \(JSONWriter.quoted(text)): expected at most "
                    + "\(ConnectLimits.maximumTimeoutDigits) digits")
        }
        return bytes.reduce(UInt64(0)) { $0 * 10 + UInt64($1 - 48) }
    }
}
