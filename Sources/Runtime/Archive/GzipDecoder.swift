/// Decompresses a gzip body held in memory (HTTP `Content-Encoding: gzip`, a compressed
/// Connect message), refusing output past a limit so a small bomb cannot grow large.
///
/// Multi-member input (`cat a.gz b.gz`) decodes to the concatenation, as gzip(1) does; bytes
/// after the last member, an unfinished member, or a bad checksum are errors (a request body
/// has no padding to forgive).
public enum GzipDecoder {
    /// Why the bytes did not decode.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The decompressed size would pass the limit.
        case tooLarge(limit: Int)
        /// Not gzip, truncated, or corrupt (zlib's reason).
        case corrupt(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): "decompressed data exceeds \(limit) bytes"
            case .corrupt(let detail): "invalid gzip data: \(detail)"
            }
        }
    }

    /// The decompressed bytes of `input`, at most `limit` of them.
    public static func decompress(_ input: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        guard input.count >= 2, input[0] == 0x1F, input[1] == 0x8B else { throw .corrupt("not gzip data") }
        let inflater: ZlibInflater
        do { inflater = try ZlibInflater(.gzip) } catch { throw .corrupt(error.detail) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        var consumed = 0
        while true {
            let step: Result<ZlibInflater.Progress, ZlibInflater.Failure> = input.withUnsafeBytes { all in
                chunk.withUnsafeMutableBytes { out in
                    Result { () throws(ZlibInflater.Failure) in
                        try inflater.step(input: UnsafeRawBufferPointer(rebasing: all[consumed...]), output: out)
                    }
                }
            }
            let progress: ZlibInflater.Progress
            switch step {
            case .success(let value): progress = value
            case .failure(let error): throw .corrupt(error.detail)
            }
            consumed += progress.consumed
            guard output.count + progress.produced <= limit else { throw .tooLarge(limit: limit) }
            output.append(contentsOf: chunk[0..<progress.produced])
            if progress.finished {
                guard consumed < input.count else { return output }
                guard input[consumed] == 0x1F else { throw .corrupt("data after the end of the gzip stream") }
                inflater.reset()
            } else if progress.produced == 0 && progress.consumed == 0 {
                throw .corrupt("truncated gzip data")
            }
        }
    }
}
