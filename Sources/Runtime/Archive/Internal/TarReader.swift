/// One tar entry with its extended headers already applied.
struct TarEntry {
    /// The effective name: PAX `path`, else GNU long name, else the header's name.
    var name: [UInt8]
    var kind: TarHeader.Kind
    var mode: Int
    /// Bytes of data that follow the header (0 for links, directories and devices).
    var size: Int
    /// Where the entry's first header (including any extended header) starts in the tar stream.
    var offset: Int
    /// A PAX `GNU.sparse.*` record marks a sparse file whose data is a map, not the file's bytes.
    var isSparse: Bool
}

/// Reads tar entries one at a time from a byte stream, folding PAX (`x`, `g`) and GNU (`L`,
/// `K`) extended headers into the entry that follows. The caller reads or ignores each
/// entry's data; whatever it leaves is skipped (with padding) before the next header.
final class TarReader<Source: ArchiveByteSource> {
    /// Extended headers hold a path and a few numbers; 1 MiB is generous and keeps a hostile
    /// header from being read into memory whole.
    static var maximumExtendedHeaderBytes: Int { 1 << 20 }

    let stream: ArchiveStreamReader<Source>
    private let limits: ArchiveLimits
    private let block: UnsafeMutableRawBufferPointer
    /// Data of the current entry not yet read, then its padding to a block boundary.
    private var remainingData = 0
    private var remainingPadding = 0
    private var extendedHeaders = 0

    init(source: Source, limits: ArchiveLimits) {
        stream = ArchiveStreamReader(source: source)
        self.limits = limits
        block = .allocate(byteCount: TarHeader.blockSize, alignment: 8)
    }

    deinit { block.deallocate() }

    /// The next entry, or nil at the end of the archive (a zero block, or the end of a
    /// stream that stops exactly between entries).
    func next() throws(ArchiveError) -> TarEntry? {
        try stream.skip(remainingData + remainingPadding)
        remainingData = 0
        remainingPadding = 0

        var longName: [UInt8]?
        var paxPath: [UInt8]?
        var paxSize: Int?
        var isSparse = false
        var entryOffset: Int?
        while true {
            let offset = stream.offset
            guard try stream.readExactly(into: block) else {
                // The stream ended between headers: a dangling extended header is a cut-off entry.
                if entryOffset != nil { throw .truncated }
                return nil
            }
            let raw = UnsafeRawBufferPointer(block)
            if TarHeader.isZeroBlock(raw) {
                if entryOffset != nil { throw .corruptTarHeader(at: offset) }
                return nil
            }
            let header = try TarHeader(block: raw, offset: offset)
            if entryOffset == nil { entryOffset = offset }

            switch header.kind {
            case .paxExtended, .paxGlobal:
                let data = try readExtendedHeader(header, at: offset, limit: Self.maximumExtendedHeaderBytes)
                guard let records = PaxRecords.parse(data) else { throw .corruptTarHeader(at: offset) }
                // Global records apply to every later entry; a global path or size makes no
                // sense for a package, so they are validated and otherwise ignored.
                guard header.kind == .paxExtended else { continue }
                for (key, value) in records {
                    switch key {
                    case "path": paxPath = value
                    case "size":
                        guard let size = Self.decimal(value) else { throw .corruptTarHeader(at: offset) }
                        paxSize = size
                    case _ where key.hasPrefix("GNU.sparse."): isSparse = true
                    default: break
                    }
                }
            case .gnuLongName:
                // The name plus its terminating NUL; longer cannot be valid.
                guard header.size <= limits.maximumPathBytes + 1 else { throw .pathTooLong(limits.maximumPathBytes) }
                var data = try readExtendedHeader(header, at: offset, limit: limits.maximumPathBytes + 1)
                while data.last == 0 { data.removeLast() }
                longName = data
            case .gnuLongLinkName:
                // Link targets are never used: links are not extracted.
                _ = try readExtendedHeader(header, at: offset, limit: Self.maximumExtendedHeaderBytes)
            default:
                // The data size comes from the typeflag alone: a regular-file entry always has
                // its data, even when it is taken for a directory below (GNU tar skips it too).
                let size = header.kind.hasNoData ? 0 : (paxSize ?? header.size)
                remainingData = size
                remainingPadding = Self.padding(size)
                let name = paxPath ?? longName ?? header.name
                // Decided on the effective name, as GNU tar does: writers such as Python's
                // tarfile put the PAX path's first 100 bytes in the ustar name field, which can
                // end in "/" even though the entry is a file.
                let kind = header.marksLegacyDirectory(effectiveName: name) ? .directory : header.kind
                return TarEntry(
                    name: name, kind: kind, mode: header.mode, size: size,
                    offset: entryOffset ?? offset, isSparse: isSparse)
            }
        }
    }

    /// Reads up to `buffer.count` bytes of the current entry's data; 0 when it is all read.
    func readData(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard remainingData > 0 else { return 0 }
        let wanted = UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, remainingData)])
        let n = try stream.read(into: wanted)
        if n == 0 { throw .truncated }
        remainingData -= n
        return n
    }

    private func readExtendedHeader(_ header: TarHeader, at offset: Int, limit: Int) throws(ArchiveError) -> [UInt8] {
        guard header.size <= limit else { throw .extendedHeaderTooLarge(at: offset, limit) }
        extendedHeaders += 1
        if extendedHeaders > limits.maximumEntries { throw .tooManyEntries(limits.maximumEntries) }
        let data = try stream.readBytes(header.size)
        try stream.skip(Self.padding(header.size))
        return data
    }

    private static func padding(_ size: Int) -> Int {
        (TarHeader.blockSize - size % TarHeader.blockSize) % TarHeader.blockSize
    }

    private static func decimal(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}
