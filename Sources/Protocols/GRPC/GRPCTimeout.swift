/// The `grpc-timeout` header (gRPC over HTTP/2: `TimeoutValue TimeoutUnit`, at most 8 digits,
/// units H, M, S, m, u, n).
public enum GRPCTimeout {
    /// Milliseconds of a header value (sub-millisecond values round up to 1 ms); nil if malformed.
    public static func parseMilliseconds(_ text: String) -> UInt64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9 else { return nil }
        var value: UInt64 = 0
        for byte in bytes.dropLast() {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + UInt64(byte - 48)
        }
        let nanoseconds: UInt64
        switch bytes.last! {
        case UInt8(ascii: "H"): return value * 3_600_000
        case UInt8(ascii: "M"): return value * 60_000
        case UInt8(ascii: "S"): return value * 1_000
        case UInt8(ascii: "m"): return value
        case UInt8(ascii: "u"): nanoseconds = value * 1_000
        case UInt8(ascii: "n"): nanoseconds = value
        default: return nil
        }
        return nanoseconds == 0 ? 0 : max(1, (nanoseconds + 999_999) / 1_000_000)
    }

    /// A header value for `milliseconds` (exact in ms while it fits 8 digits, else seconds).
    public static func format(milliseconds: UInt64) -> String {
        if milliseconds <= 99_999_999 { return "\(milliseconds)m" }
        return "\(min(99_999_999, (milliseconds + 999) / 1_000))S"
    }
}
