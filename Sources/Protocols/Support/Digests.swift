import CCrypto
import Runtime

/// Hex digests used for stored hashes (tokens, configs, secrets, packages, descriptors).
public enum Digests {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        let ok = bytes.withUnsafeBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                octo_sha256(input.baseAddress, input.count, out.baseAddress)
            }
        }
        precondition(ok == 1, "SHA-256 failed in libcrypto")
        return hex(digest)
    }

    /// Hex SHA-256 of a file's contents, read in chunks (blocking).
    public static func sha256Hex(file path: String) throws(FileSystemError) -> String {
        guard let context = octo_sha256_begin() else { preconditionFailure("SHA-256 unavailable in libcrypto") }
        do {
            try FileSystem.readChunks(path) { chunk in _ = octo_sha256_update(context, chunk.baseAddress, chunk.count) }
        } catch {
            var scratch = [UInt8](repeating: 0, count: 32)
            _ = octo_sha256_finish(context, &scratch)
            throw error
        }
        var digest = [UInt8](repeating: 0, count: 32)
        _ = octo_sha256_finish(context, &digest)
        return hex(digest)
    }

    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
