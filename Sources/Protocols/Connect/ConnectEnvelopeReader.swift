/// Collects whole ``ConnectEnvelope``s from the body chunks of a Connect stream, as
/// ``GRPCMessageReader`` does for gRPC: a size limit per message, compressed envelopes
/// refused unless the stream declared a compression, and nothing accepted after the
/// end-of-stream envelope.
public struct ConnectEnvelopeReader: Sendable {
    /// Why the stream cannot be read further. After a failure the reader keeps failing.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The kind of failure.
        public struct Code: Sendable, Hashable, CustomStringConvertible {
            private enum Value: Sendable, Hashable {
                case tooLarge, compressed, invalidFlags, dataAfterEndStream, truncated
            }

            private let value: Value
            private init(_ value: Value) { self.value = value }

            /// An envelope announces more bytes than the limit.
            public static let tooLarge = Code(.tooLarge)
            /// An envelope is marked compressed.
            public static let compressed = Code(.compressed)
            /// The flag byte has bits Connect does not define.
            public static let invalidFlags = Code(.invalidFlags)
            /// Bytes follow the end-of-stream envelope.
            public static let dataAfterEndStream = Code(.dataAfterEndStream)
            /// The body ended inside an envelope.
            public static let truncated = Code(.truncated)

            /// A short name of the code.
            public var description: String {
                switch value {
                case .tooLarge: "too large"
                case .compressed: "compressed"
                case .invalidFlags: "invalid flags"
                case .dataAfterEndStream: "data after end of stream"
                case .truncated: "truncated"
                }
            }
        }

        /// The kind of failure.
        public let code: Code
        /// What happened.
        public let message: String

        init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }

        /// The Connect error to answer with: `resource_exhausted` for a message over the
        /// limit, `unimplemented` for compression, `invalid_argument` otherwise.
        public var connectError: ConnectError {
            let connectCode: ConnectErrorCode =
                code == .tooLarge ? .resourceExhausted : code == .compressed ? .unimplemented : .invalidArgument
            return ConnectError(connectCode, message)
        }

        /// The message.
        public var description: String { message }
    }

    private let maximumMessageBytes: Int
    private let acceptsCompressed: Bool
    private var buffer: [UInt8] = []
    private var ended = false
    private var failure: Failure?

    /// A reader accepting payloads of at most `maximumMessageBytes`; envelopes flagged
    /// compressed only when `acceptsCompressed` (the stream named a compression the caller
    /// decodes, ``ConnectCompression``).
    public init(maximumMessageBytes: Int, acceptsCompressed: Bool = false) {
        self.maximumMessageBytes = maximumMessageBytes
        self.acceptsCompressed = acceptsCompressed
    }

    /// True when no partial envelope is buffered.
    public var isEmpty: Bool { buffer.isEmpty }

    /// Whether the end-of-stream envelope has been read.
    public var hasEnded: Bool { ended }

    /// Appends `chunk` and returns the envelopes it completed, in order (an end-of-stream
    /// envelope is always the last one).
    public mutating func append(_ chunk: [UInt8]) throws(Failure) -> [ConnectEnvelope] {
        if let failure { throw failure }
        do throws(Failure) {
            return try read(chunk)
        } catch {
            failure = error
            throw error
        }
    }

    /// Checks that the body ended between envelopes.
    public func finish() throws(Failure) {
        if let failure { throw failure }
        guard buffer.isEmpty else {
            throw Failure(.truncated, "the stream ended inside an envelope (\(buffer.count) bytes buffered)")
        }
    }

    private mutating func read(_ chunk: [UInt8]) throws(Failure) -> [ConnectEnvelope] {
        if ended {
            if chunk.isEmpty { return [] }
            throw Failure(.dataAfterEndStream, "data after the end-of-stream message")
        }
        buffer.append(contentsOf: chunk)
        var envelopes: [ConnectEnvelope] = []
        var start = 0
        while buffer.count - start >= ConnectLimits.envelopePrefixBytes {
            let flags = buffer[start]
            if flags & ConnectEnvelope.compressedFlag != 0, !acceptsCompressed {
                throw Failure(.compressed, "compressed messages are not supported without Connect-Content-Encoding")
            }
            if flags & ~(ConnectEnvelope.compressedFlag | ConnectEnvelope.endStreamFlag) != 0 {
                throw Failure(.invalidFlags, "invalid envelope flags 0x\(String(flags, radix: 16))")
            }
            let length =
                Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16 | Int(buffer[start + 3]) << 8
                | Int(buffer[start + 4])
            guard length <= maximumMessageBytes else {
                throw Failure(
                    .tooLarge, "message of \(length) bytes exceeds the limit of \(maximumMessageBytes) bytes")
            }
            let payloadStart = start + ConnectLimits.envelopePrefixBytes
            guard buffer.count - payloadStart >= length else { break }
            let envelope = ConnectEnvelope(flags: flags, payload: Array(buffer[payloadStart..<(payloadStart + length)]))
            start = payloadStart + length
            envelopes.append(envelope)
            if envelope.isEndStream {
                ended = true
                guard start == buffer.count else {
                    throw Failure(.dataAfterEndStream, "data after the end-of-stream message")
                }
                break
            }
        }
        if start > 0 { buffer.removeFirst(start) }
        return envelopes
    }
}
