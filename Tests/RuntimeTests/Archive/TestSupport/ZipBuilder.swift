/// Writes zip files entry by entry with stored (uncompressed) data, including malformed
/// and hostile ones. Deliberately independent of the code under test (its own CRC-32).
struct ZipBuilder {
    struct Entry {
        var name: String
        var data: [UInt8]
        /// Unix st_mode stored in the external attributes (made-by host 3).
        var mode: UInt32 = 0o100644
        var crcOverride: UInt32?
        var localName: String?
        var encrypted = false
        var method: UInt16 = 0
    }

    var entries: [Entry] = []
    /// Writes every size and offset as 0xFFFFFFFF with a zip64 extra field, plus zip64 end records.
    var zip64 = false

    mutating func add(_ name: String, _ text: String, mode: UInt32 = 0o100644) {
        entries.append(Entry(name: name, data: Array(text.utf8), mode: mode))
    }

    func build() -> [UInt8] {
        var output: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let offset = output.count
            let crc = entry.crcOverride ?? Self.crc32(entry.data)
            let name = Array(entry.name.utf8)
            let localName = Array((entry.localName ?? entry.name).utf8)
            let size32: UInt32 = zip64 ? 0xFFFF_FFFF : UInt32(entry.data.count)
            let flags: UInt16 = entry.encrypted ? 1 : 0
            var localExtra: [UInt8] = []
            var centralExtra: [UInt8] = []
            if zip64 {
                localExtra = le16(1) + le16(16) + le64(UInt64(entry.data.count)) + le64(UInt64(entry.data.count))
                centralExtra = le16(1) + le16(24) + le64(UInt64(entry.data.count)) + le64(UInt64(entry.data.count)) + le64(UInt64(offset))
            }
            output += le32(0x0403_4B50) + le16(zip64 ? 45 : 20) + le16(flags) + le16(entry.method) + le16(0) + le16(0x21)
            output += le32(crc) + le32(size32) + le32(size32) + le16(UInt16(localName.count)) + le16(UInt16(localExtra.count))
            output += localName + localExtra + entry.data
            central += le32(0x0201_4B50) + le16(0x031E) + le16(zip64 ? 45 : 20) + le16(flags) + le16(entry.method)
            central += le16(0) + le16(0x21) + le32(crc) + le32(size32) + le32(size32)
            central += le16(UInt16(name.count)) + le16(UInt16(centralExtra.count)) + le16(0) + le16(0) + le16(0)
            central += le32(entry.mode << 16) + le32(zip64 ? 0xFFFF_FFFF : UInt32(offset)) + name + centralExtra
        }
        let centralOffset = output.count
        output += central
        if zip64 {
            let recordOffset = output.count
            output += le32(0x0606_4B50) + le64(44) + le16(0x031E) + le16(45) + le32(0) + le32(0)
            output += le64(UInt64(entries.count)) + le64(UInt64(entries.count)) + le64(UInt64(central.count)) + le64(UInt64(centralOffset))
            output += le32(0x0706_4B50) + le32(0) + le64(UInt64(recordOffset)) + le32(1)
            output += le32(0x0605_4B50) + le16(0xFFFF) + le16(0xFFFF) + le16(0xFFFF) + le16(0xFFFF)
            output += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
        } else {
            output += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
            output += le32(UInt32(central.count)) + le32(UInt32(centralOffset)) + le16(0)
        }
        return output
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    private func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
