/// Writes tar streams header by header, including malformed and hostile ones that real
/// tools refuse to produce. Deliberately independent of the code under test.
struct TarBuilder {
    enum Magic { case ustar, gnu, v7 }

    private(set) var bytes: [UInt8] = []

    /// Appends a header (and `data`, padded). `sizeField` overrides the encoded size (for
    /// base-256 or garbage); `checksumDelta` corrupts the checksum.
    mutating func entry(
        _ name: String, type: Character = "0", data: [UInt8] = [], mode: Int = 0o644, linkName: String = "",
        prefix: String = "", magic: Magic = .ustar, sizeField: [UInt8]? = nil, checksumDelta: Int = 0
    ) {
        bytes += Self.header(
            name: Array(name.utf8), type: type, size: data.count, mode: mode, linkName: linkName, prefix: prefix,
            magic: magic, sizeField: sizeField, checksumDelta: checksumDelta)
        append(data)
    }

    mutating func file(_ name: String, _ text: String, mode: Int = 0o644) {
        entry(name, data: Array(text.utf8), mode: mode)
    }

    mutating func directory(_ name: String) {
        entry(name.hasSuffix("/") ? name : name + "/", type: "5", mode: 0o755)
    }

    /// A PAX extended header (`x`, or `g` when `global`) holding `records`.
    mutating func pax(_ records: [(String, [UInt8])], global: Bool = false) {
        var data: [UInt8] = []
        for (key, value) in records {
            let body = Array(" \(key)=".utf8) + value + [0x0A]
            var length = body.count + 1
            while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
            data += Array(String(length).utf8) + body
        }
        entry("PaxHeader/x", type: global ? "g" : "x", data: data)
    }

    /// A GNU long-name (`L`) header for the next entry.
    mutating func gnuLongName(_ name: String) {
        entry("././@LongLink", type: "L", data: Array(name.utf8) + [0], magic: .gnu)
    }

    /// Two zero blocks.
    mutating func end() {
        bytes += [UInt8](repeating: 0, count: 1024)
    }

    mutating func append(_ data: [UInt8]) {
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    static func header(
        name: [UInt8], type: Character, size: Int, mode: Int, linkName: String, prefix: String, magic: Magic,
        sizeField: [UInt8]?, checksumDelta: Int
    ) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], _ offset: Int, _ width: Int) {
            for (index, byte) in field.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ width: Int) {
            let digits = String(value, radix: 8)
            put(Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8), offset, width - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(1000, 108, 8)
        octal(1000, 116, 8)
        if let sizeField { put(sizeField, 124, 12) } else { octal(size, 124, 12) }
        octal(1_700_000_000, 136, 12)
        block[156] = type.asciiValue!
        put(Array(linkName.utf8), 157, 100)
        switch magic {
        case .ustar:
            put(Array("ustar\u{0}00".utf8), 257, 8)
            put(Array(prefix.utf8), 345, 155)
        case .gnu:
            put(Array("ustar  \u{0}".utf8), 257, 8)
        case .v7:
            break
        }
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) } + checksumDelta
        octal(sum, 148, 7)
        return block
    }
}
