import Runtime

/// Hex digests used for stored hashes (tokens, configs, secrets, packages, descriptors).
public enum Digests {
    /// Lower-case hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        hex(sha256(bytes))
    }

    /// The raw 32-byte SHA-256 of `bytes`.
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        SHA256.hash(bytes)
    }

    /// Lower-case hex HMAC-SHA256 of `data` under `key`: a digest that shows whether a value
    /// changed without letting anyone who lacks the key test guesses against it.
    public static func hmacSHA256Hex(key: [UInt8], _ data: [UInt8]) -> String {
        hex(SHA256.hmac(key: key, data))
    }

    /// `count` bytes from the system's cryptographically secure generator (`getrandom(2)`,
    /// behind Swift's `SystemRandomNumberGenerator` on Linux).
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Compares two byte strings in time that depends only on their lengths, so a caller
    /// probing stored hashes learns nothing from how long a mismatch took.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// Bytes of a lower-case (or upper-case) hex string; nil if it is not hex.
    public static func bytes(hex text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    /// Hex SHA-256 of a file's contents, read in chunks (blocking).
    public static func sha256Hex(file path: String) throws(FileSystemError) -> String {
        var hasher = SHA256()
        try FileSystem.readChunks(path) { chunk in hasher.update(chunk) }
        return hex(hasher.finish())
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
