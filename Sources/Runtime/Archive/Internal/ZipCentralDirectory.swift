/// Where a zip's central directory is, read from the end-of-central-directory record (and
/// its zip64 twin when a field overflowed).
///
/// ```
/// [local header 1][data 1] … [central entry 1] … [zip64 EOCD][zip64 locator][EOCD][comment]
/// ```
struct ZipCentralDirectory {
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let endRecordSize = 22
    static let zip64LocatorSize = 20
    static let zip64EndRecordSize = 56

    var offset: Int
    var size: Int
    var entryCount: Int

    init(file: ArchiveInputFile, fileSize: Int) throws(ArchiveError) {
        // The EOCD record is the last thing in the file but for a comment of up to 64 KiB.
        let tailSize = min(fileSize, Self.endRecordSize + 0xFFFF)
        let tailStart = fileSize - tailSize
        let tail = try file.readFully(at: tailStart, count: tailSize)
        var found: Int?
        var index = tailSize - Self.endRecordSize
        while index >= 0 {
            if tail.hasZipSignature(Self.endSignature, at: index),
                index + Self.endRecordSize + tail.zipUInt16(at: index + 20) <= tailSize {
                found = index
                break
            }
            index -= 1
        }
        guard let end = found else {
            // A zip's local header but no end record: the download or copy was cut short.
            let head = try file.readFully(at: 0, count: min(fileSize, 4))
            throw head.hasZipSignature(0x0403_4B50, at: 0) ? .truncated : .notZip
        }
        let disk = tail.zipUInt16(at: end + 4)
        let directoryDisk = tail.zipUInt16(at: end + 6)
        entryCount = tail.zipUInt16(at: end + 10)
        size = tail.zipUInt32(at: end + 12)
        offset = tail.zipUInt32(at: end + 16)
        var limit = tailStart + end

        if entryCount == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF || disk == 0xFFFF {
            limit = try readZip64(file: file, endRecordPosition: tailStart + end)
        } else if disk != 0 || directoryDisk != 0 {
            throw .unsupported("multi-disk zip archives are not supported")
        }
        guard offset <= limit, size <= limit - offset else { throw .corruptZip("central directory is out of bounds") }
    }

    /// Replaces the overflowed fields with those of the zip64 end record; returns where that
    /// record starts (the central directory ends before it).
    private mutating func readZip64(file: ArchiveInputFile, endRecordPosition: Int) throws(ArchiveError) -> Int {
        guard endRecordPosition >= Self.zip64LocatorSize else { throw .corruptZip("missing zip64 end of central directory locator") }
        let locator = try file.readFully(at: endRecordPosition - Self.zip64LocatorSize, count: Self.zip64LocatorSize)
        guard locator.hasZipSignature(Self.zip64LocatorSignature, at: 0) else {
            throw .corruptZip("missing zip64 end of central directory locator")
        }
        guard locator.zipUInt32(at: 4) == 0, locator.zipUInt32(at: 16) <= 1 else {
            throw .unsupported("multi-disk zip archives are not supported")
        }
        guard let position = locator.zipUInt64(at: 8), position <= endRecordPosition - Self.zip64LocatorSize - Self.zip64EndRecordSize else {
            throw .corruptZip("zip64 end of central directory record is out of bounds")
        }
        let record = try file.readFully(at: position, count: Self.zip64EndRecordSize)
        guard record.hasZipSignature(Self.zip64EndSignature, at: 0) else {
            throw .corruptZip("missing zip64 end of central directory record")
        }
        guard record.zipUInt32(at: 16) == 0, record.zipUInt32(at: 20) == 0 else {
            throw .unsupported("multi-disk zip archives are not supported")
        }
        guard let count = record.zipUInt64(at: 32), let size = record.zipUInt64(at: 40), let offset = record.zipUInt64(at: 48) else {
            throw .corruptZip("zip64 end of central directory record is out of bounds")
        }
        entryCount = count
        self.size = size
        self.offset = offset
        return position
    }
}
