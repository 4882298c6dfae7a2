/// Collects whole gRPC messages from DATA chunks (for the endpoints the gateway answers
/// itself: reflection, health, on-demand calls). Compressed messages are refused: the
/// gateway never negotiates a compression of its own.
public struct GRPCMessageReader: Sendable {
    public enum Failure: Error, Equatable, Sendable {
        case tooLarge(length: Int, limit: Int)
        case compressed
    }

    private var buffer: [UInt8] = []
    private let maximumMessageBytes: Int

    public init(maximumMessageBytes: Int) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// True when no partial message is buffered.
    public var isEmpty: Bool { buffer.isEmpty }

    /// Appends `chunk` and returns the messages it completed.
    public mutating func append(_ chunk: [UInt8]) throws(Failure) -> [[UInt8]] {
        buffer.append(contentsOf: chunk)
        var messages: [[UInt8]] = []
        var start = 0
        while buffer.count - start >= 5 {
            if buffer[start] & 1 != 0 { throw .compressed }
            let length = Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
            guard length <= maximumMessageBytes else { throw .tooLarge(length: length, limit: maximumMessageBytes) }
            guard buffer.count - start - 5 >= length else { break }
            messages.append(Array(buffer[(start + 5)..<(start + 5 + length)]))
            start += 5 + length
        }
        if start > 0 { buffer.removeFirst(start) }
        return messages
    }

    /// One message framed for the wire (uncompressed).
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        let length = message.count
        var out: [UInt8] = [0, UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        out.append(contentsOf: message)
        return out
    }
}
