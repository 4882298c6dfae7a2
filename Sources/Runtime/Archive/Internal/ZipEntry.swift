import Glibc

/// One central-directory record: the authoritative name, sizes and CRC of an entry (local
/// headers may defer them to a data descriptor, so they are not trusted).
///
/// ```
///  0 signature 50 4b 01 02   4 made by   6 needed   8 flags  10 method  12 time  14 date
/// 16 crc-32  20 compressed size  24 uncompressed size  28 name length  30 extra length
/// 32 comment length  34 disk  36 internal attributes  38 external attributes  42 local header offset
/// 46 name, extra, comment
/// ```
struct ZipEntry {
    static let signature: UInt32 = 0x0201_4B50
    static let fixedSize = 46

    enum Kind { case file, directory, symbolicLink, other }

    var name: [UInt8]
    var kind: Kind
    var mode: Int
    var flags: Int
    var method: Int
    var crc: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int

    var isEncrypted: Bool { flags & 1 != 0 }

    /// Reads the next record from the central directory stream.
    init<Source>(from stream: ArchiveStreamReader<Source>) throws(ArchiveError) {
        let offset = stream.offset
        let fixed = try stream.readBytes(Self.fixedSize)
        guard fixed.hasZipSignature(Self.signature, at: 0) else {
            throw .corruptZip("bad central directory entry at offset \(offset) of the central directory")
        }
        let madeBy = fixed.zipUInt16(at: 4) >> 8
        flags = fixed.zipUInt16(at: 8)
        method = fixed.zipUInt16(at: 10)
        crc = UInt32(fixed.zipUInt32(at: 16))
        let disk = fixed.zipUInt16(at: 34)
        let external = fixed.zipUInt32(at: 38)
        name = try stream.readBytes(fixed.zipUInt16(at: 28))
        let extra = try stream.readBytes(fixed.zipUInt16(at: 30))
        try stream.skip(fixed.zipUInt16(at: 32))

        // Zip64: each field that overflowed (all ones) is in the 0x0001 extra block, in this order.
        var sizes = [fixed.zipUInt32(at: 24), fixed.zipUInt32(at: 20), fixed.zipUInt32(at: 42)]
        if sizes.contains(0xFFFF_FFFF) {
            let displayName = ArchiveError.quoted(String(decoding: name, as: UTF8.self))
            guard let zip64 = Self.extraBlock(0x0001, in: extra) else {
                throw .corruptZip("entry \(displayName) lacks its zip64 extra field")
            }
            var cursor = 0
            for index in sizes.indices where sizes[index] == 0xFFFF_FFFF {
                guard cursor + 8 <= zip64.count, let value = zip64.zipUInt64(at: cursor) else {
                    throw .corruptZip("entry \(displayName) has a bad zip64 extra field")
                }
                sizes[index] = value
                cursor += 8
            }
        }
        uncompressedSize = sizes[0]
        compressedSize = sizes[1]
        localHeaderOffset = sizes[2]
        if disk != 0 && disk != 0xFFFF { throw .unsupported("multi-disk zip archives are not supported") }

        // Unix zips (made by host 3) keep st_mode in the high half of the external attributes;
        // others only have the MS-DOS directory bit (0x10) and a trailing slash.
        let unixMode = madeBy == 3 ? external >> 16 : 0
        mode = unixMode & 0o7777
        switch Int32(unixMode) & Int32(S_IFMT) {
        case Int32(S_IFLNK): kind = .symbolicLink
        case Int32(S_IFDIR): kind = .directory
        case Int32(S_IFREG), 0: kind = name.last == UInt8(ascii: "/") || external & 0x10 != 0 ? .directory : .file
        default: kind = .other
        }
    }

    /// The data of extra block `id`, if present and well formed.
    private static func extraBlock(_ id: Int, in extra: [UInt8]) -> [UInt8]? {
        var index = 0
        while index + 4 <= extra.count {
            let blockID = extra.zipUInt16(at: index)
            let size = extra.zipUInt16(at: index + 2)
            guard index + 4 + size <= extra.count else { return nil }
            if blockID == id { return Array(extra[(index + 4)..<(index + 4 + size)]) }
            index += 4 + size
        }
        return nil
    }
}
