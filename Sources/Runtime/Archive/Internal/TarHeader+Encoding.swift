/// Header blocks for ``TarGzipWriter``: ustar when the name and size fit, else a PAX `x`
/// header first (what GNU tar's `--format=pax` and npm do).
extension TarHeader {
    /// Largest size the 11-digit octal field holds (8 GiB - 1).
    static let maximumOctalSize = 0o77777777777

    /// The header (and any PAX header before it) for a file or directory named `name`.
    static func encode(name: [UInt8], isDirectory: Bool, mode: Int, size: Int, modificationTime: Int) -> [UInt8] {
        var paxRecords: [UInt8] = []
        var nameField = name
        var prefixField: [UInt8] = []
        if name.count > 100 {
            if let split = ustarSplit(name) {
                prefixField = Array(name[..<split])
                nameField = Array(name[(split + 1)...])
            } else {
                paxRecords += PaxRecords.record(key: "path", value: name)
                nameField = Array(name.prefix(100))
            }
        }
        if size > maximumOctalSize { paxRecords += PaxRecords.record(key: "size", value: Array(String(size).utf8)) }

        var result: [UInt8] = []
        if !paxRecords.isEmpty {
            result += block(
                name: Array("././@PaxHeader".utf8), prefix: [], typeflag: UInt8(ascii: "x"), mode: 0o644,
                size: paxRecords.count, modificationTime: modificationTime)
            result += paxRecords
            result += [UInt8](repeating: 0, count: (blockSize - paxRecords.count % blockSize) % blockSize)
        }
        result += block(
            name: nameField, prefix: prefixField, typeflag: UInt8(ascii: isDirectory ? "5" : "0"), mode: mode,
            size: isDirectory ? 0 : min(size, maximumOctalSize), modificationTime: modificationTime)
        return result
    }

    /// Where to cut a long name into ustar `prefix` (≤ 155) `/` `name` (1…100), if anywhere.
    private static func ustarSplit(_ name: [UInt8]) -> Int? {
        guard name.count <= 256 else { return nil }
        for index in name.indices.reversed() where name[index] == UInt8(ascii: "/") {
            if index <= 155 && name.count - index - 1 <= 100 && index + 1 < name.count { return index }
        }
        return nil
    }

    private static func block(name: [UInt8], prefix: [UInt8], typeflag: UInt8, mode: Int, size: Int, modificationTime: Int) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: blockSize)
        func put(_ bytes: [UInt8], _ offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        // Octal, zero-padded to width - 1 digits, NUL-terminated.
        func octal(_ value: Int, _ offset: Int, _ width: Int) {
            let digits = String(value, radix: 8)
            put(Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8), offset)
        }
        put(name, 0)
        octal(mode, 100, 8)
        octal(0, 108, 8)
        octal(0, 116, 8)
        octal(size, 124, 12)
        octal(modificationTime, 136, 12)
        block[156] = typeflag
        put(Array("ustar\u{0}00".utf8), 257)
        octal(0, 329, 8)
        octal(0, 337, 8)
        put(prefix, 345)
        put([UInt8](repeating: 0x20, count: 8), 148)
        let sum = block.reduce(0) { $0 + Int($1) }
        octal(sum, 148, 7)  // six digits and a NUL, then the space already there
        return block
    }
}
