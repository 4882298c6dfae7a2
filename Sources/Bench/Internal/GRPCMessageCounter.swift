/// Counts gRPC messages in a response body as its bytes arrive in arbitrary chunks, by
/// walking the 5-byte length prefixes (no buffering, no allocation).
struct GRPCMessageCounter {
    /// Bytes of the current prefix still to read (5 = at a message boundary).
    private var prefixRemaining = 5
    /// The length being assembled from the prefix's last four bytes.
    private var length = 0
    /// Payload bytes of the current message still to skip.
    private var payloadRemaining = 0
    /// Messages whose prefix has been read completely.
    private(set) var messages = 0

    mutating func reset() {
        self = GRPCMessageCounter()
    }

    /// Feeds a chunk; returns how many messages began in it.
    @discardableResult
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Int {
        let before = messages
        var index = 0
        let count = bytes.count
        while index < count {
            if payloadRemaining > 0 {
                let skip = min(payloadRemaining, count - index)
                payloadRemaining -= skip
                index += skip
                continue
            }
            // Inside a prefix: byte 0 is the compressed flag, bytes 1–4 the big-endian length.
            if prefixRemaining < 5 { length = length << 8 | Int(bytes[index]) }
            prefixRemaining -= 1
            index += 1
            if prefixRemaining == 0 {
                messages += 1
                payloadRemaining = length
                length = 0
                prefixRemaining = 5
            }
        }
        return messages - before
    }
}
