/// One enveloped message of a Connect streaming body (`application/connect+json` or
/// `application/connect+proto`): a flag byte, a 4-byte big-endian length, then the payload.
///
/// Flag bits: `0x01` compressed (accepted on requests that name a compression, never set on
/// responses), `0x02`
/// end of stream (the last envelope of a response; its payload is a JSON
/// ``ConnectEndStream`` whatever the codec).
public struct ConnectEnvelope: Sendable, Equatable {
    /// The compressed-payload flag.
    public static let compressedFlag: UInt8 = 0x01
    /// The end-of-stream flag.
    public static let endStreamFlag: UInt8 = 0x02

    /// The flag byte as received.
    public let flags: UInt8
    /// The payload.
    public let payload: [UInt8]

    /// An envelope from its parts.
    public init(flags: UInt8, payload: [UInt8]) {
        self.flags = flags
        self.payload = payload
    }

    /// Whether this is the end-of-stream envelope.
    public var isEndStream: Bool { flags & Self.endStreamFlag != 0 }

    /// Whether the payload is compressed (with the stream's `Connect-Content-Encoding`).
    public var isCompressed: Bool { flags & Self.compressedFlag != 0 }

    /// `payload` framed as a message envelope (flags 0).
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        frame(payload, flags: 0)
    }

    /// The end-of-stream envelope carrying `endStream` (flags `0x02`, JSON payload).
    public static func frameEndStream(_ endStream: ConnectEndStream) -> [UInt8] {
        frame(JSONWriter().bytes(endStream.json), flags: endStreamFlag)
    }

    /// `payload` behind a prefix with `flags`.
    public static func frame(_ payload: [UInt8], flags: UInt8) -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: payload.count)
        var out: [UInt8] = [
            flags, UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
        ]
        out.reserveCapacity(5 + payload.count)
        out.append(contentsOf: payload)
        return out
    }
}
