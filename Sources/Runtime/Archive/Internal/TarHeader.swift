/// One 512-byte tar header block, decoded.
///
/// Layout (POSIX ustar; GNU and v7 differ only after `linkname`):
///
/// ```
///   0 name[100]  100 mode[8]  108 uid[8]  116 gid[8]  124 size[12]  136 mtime[12]
/// 148 chksum[8]  156 typeflag  157 linkname[100]  257 magic[6]  263 version[2]
/// 265 uname[32]  297 gname[32]  329 devmajor[8]  337 devminor[8]  345 prefix[155]
/// ```
///
/// Numbers are octal ASCII, or base-256 (GNU: high bit of the first byte set) when they do
/// not fit. Only POSIX ustar (`"ustar\0"`) has `prefix`; GNU (`"ustar  \0"`) keeps access
/// times there.
struct TarHeader {
    static let blockSize = 512

    /// Entry type, from `typeflag`.
    enum Kind: Equatable {
        case file, directory, hardLink, symbolicLink, characterDevice, blockDevice, fifo
        /// PAX extended header for the next entry (`x`) or for all that follow (`g`).
        case paxExtended, paxGlobal
        /// GNU long name (`L`) or long link name (`K`) for the next entry.
        case gnuLongName, gnuLongLinkName
        /// GNU old-style sparse file (`S`): its data is not the file's bytes.
        case gnuSparse
        /// GNU directory listing (`D`): a directory whose data is a list of names.
        case gnuDumpDirectory
        /// Volume label (`V`): no file.
        case volumeLabel
        case other(UInt8)

        init(typeflag: UInt8) {
            switch typeflag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): self = .file
            case UInt8(ascii: "1"): self = .hardLink
            case UInt8(ascii: "2"): self = .symbolicLink
            case UInt8(ascii: "3"): self = .characterDevice
            case UInt8(ascii: "4"): self = .blockDevice
            case UInt8(ascii: "5"): self = .directory
            case UInt8(ascii: "6"): self = .fifo
            case UInt8(ascii: "x"): self = .paxExtended
            case UInt8(ascii: "g"): self = .paxGlobal
            case UInt8(ascii: "L"): self = .gnuLongName
            case UInt8(ascii: "K"): self = .gnuLongLinkName
            case UInt8(ascii: "S"): self = .gnuSparse
            case UInt8(ascii: "D"): self = .gnuDumpDirectory
            case UInt8(ascii: "V"): self = .volumeLabel
            default: self = .other(typeflag)
            }
        }

        /// Types whose size field says nothing about data that follows (as in Go's archive/tar).
        var hasNoData: Bool {
            switch self {
            case .hardLink, .symbolicLink, .characterDevice, .blockDevice, .directory, .fifo: true
            default: false
            }
        }
    }

    /// `prefix/name` for ustar, else `name`; up to the first NUL of each field.
    var name: [UInt8]
    var kind: Kind
    /// The raw `typeflag` byte (``kind`` folds several values together).
    var typeflag: UInt8
    var mode: Int
    var size: Int

    /// Decodes `block`, which starts at `offset` in the tar stream (for the error message).
    init(block: UnsafeRawBufferPointer, offset: Int) throws(ArchiveError) {
        guard Self.checksumMatches(block),
            let size = Self.number(block, 124, 12), size >= 0
        else { throw .corruptTarHeader(at: offset) }
        self.size = size
        // A malformed mode costs nothing: extraction only looks at the exec bits.
        mode = Self.number(block, 100, 8) ?? 0o644
        typeflag = block[156]
        kind = Kind(typeflag: typeflag)
        var name = Self.string(block, 0, 100)
        let isPOSIX = Self.field(block, 257, 6).elementsEqual("ustar\0".utf8)
        if isPOSIX {
            let prefix = Self.string(block, 345, 155)
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        // The pre-POSIX "trailing slash means directory" rule is applied by the reader, to the
        // entry's effective name: this name may be a truncated stand-in for a PAX path.
        self.name = name
    }

    /// A regular-file typeflag (`0` or NUL) whose effective `name` ends in `/`: how pre-POSIX
    /// archives mark a directory. Contiguous files (`7`) never are.
    func marksLegacyDirectory(effectiveName name: [UInt8]) -> Bool {
        kind == .file && typeflag != UInt8(ascii: "7") && name.last == UInt8(ascii: "/")
    }

    static func isZeroBlock(_ block: UnsafeRawBufferPointer) -> Bool {
        block.allSatisfy { $0 == 0 }
    }

    /// The stored checksum equals the byte sum with the checksum field read as spaces.
    /// Both unsigned and signed sums are accepted: some old tars summed signed chars.
    static func checksumMatches(_ block: UnsafeRawBufferPointer) -> Bool {
        guard block.count == blockSize, let stored = number(block, 148, 8) else { return false }
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? 0x20 : byte
            unsigned += Int(value)
            signed += Int(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    private static func field(_ block: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: block[offset..<offset + length])
    }

    /// The bytes of a NUL-terminated (or full-width) text field.
    private static func string(_ block: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> [UInt8] {
        let bytes = field(block, offset, length)
        return Array(bytes.prefix { $0 != 0 })
    }

    /// An octal field (leading spaces, then digits, then spaces or NULs; empty means 0), or a
    /// GNU base-256 field. Nil when malformed, negative, or too large for `Int`.
    static func number(_ block: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> Int? {
        let bytes = field(block, offset, length)
        if let first = bytes.first, first & 0x80 != 0 {
            // Base-256: 0x80 marks a positive number in the remaining bits; 0xFF a negative one.
            guard first == 0x80 else { return nil }
            var value = 0
            for byte in bytes.dropFirst() {
                guard value <= Int.max >> 8 else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] == 0x20 { index += 1 }
        var value = 0
        while index < bytes.endIndex, (0x30...0x37).contains(bytes[index]) {
            guard value <= Int.max >> 3 else { return nil }
            value = value << 3 | Int(bytes[index] - 0x30)
            index += 1
        }
        while index < bytes.endIndex {
            guard bytes[index] == 0x20 || bytes[index] == 0 else { return nil }
            index += 1
        }
        return value
    }
}
