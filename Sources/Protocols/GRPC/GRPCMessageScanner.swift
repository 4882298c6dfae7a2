/// Follows gRPC message framing (1-byte flag, 4-byte big-endian length, payload) across the
/// DATA chunks of one direction of a stream, without copying: the proxy forwards bytes as
/// they come and only needs to know where messages start, how many there were and whether one
/// announces a length above the limit.
public struct GRPCMessageScanner: Sendable {
    public enum Outcome: Sendable, Equatable {
        case ok
        /// A message announces `length` bytes, more than allowed.
        case tooLarge(length: Int)
    }

    private let maximumMessageBytes: Int
    /// Bytes of the current message's payload still to come.
    private var remainingPayload = 0
    /// Prefix bytes collected so far for the next message (0–4), and the length being read.
    private var prefixBytes = 0
    private var length = 0
    /// Completed message headers seen.
    public private(set) var messageCount = 0

    public init(maximumMessageBytes: Int) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// True between messages (no partial prefix or payload pending): a stream may end here.
    public var isAtMessageBoundary: Bool { remainingPayload == 0 && prefixBytes == 0 }

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var index = 0
        let count = bytes.count
        while index < count {
            if remainingPayload > 0 {
                let take = min(remainingPayload, count - index)
                remainingPayload -= take
                index += take
                continue
            }
            // Prefix: flag byte (ignored), then 4 length bytes.
            if prefixBytes > 0 { length = length << 8 | Int(bytes[index]) }
            prefixBytes += 1
            index += 1
            if prefixBytes == 5 {
                prefixBytes = 0
                messageCount += 1
                if length > maximumMessageBytes { return .tooLarge(length: length) }
                remainingPayload = length
                length = 0
            }
        }
        return .ok
    }

    public mutating func scan(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { scan($0) }
    }
}
