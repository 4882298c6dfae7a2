import Glibc

/// Why an archive could not be read, extracted or written.
///
/// The import pipeline shows ``message`` to users as it is, so messages are stable and name
/// the entry or offset at fault. Code that branches on the failure uses ``code``.
public struct ArchiveError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The kind of failure; stable even if a message's wording changes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case unsafePath, notAnArchive, corrupt, truncated, checksumMismatch, limitExceeded
            case unsupported, conflictingEntry, fileSystem
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// An entry name is absolute, has a `..` segment or a NUL byte, or leads through a link.
        public static let unsafePath = Code(.unsafePath)
        /// The file is not in the expected (or any supported) archive format.
        public static let notAnArchive = Code(.notAnArchive)
        /// A header, record or compressed stream is malformed.
        public static let corrupt = Code(.corrupt)
        /// The archive ends in the middle of a header, an entry or the compressed stream.
        public static let truncated = Code(.truncated)
        /// An entry's data does not match its recorded CRC-32.
        public static let checksumMismatch = Code(.checksumMismatch)
        /// An ``ArchiveLimits`` bound was exceeded.
        public static let limitExceeded = Code(.limitExceeded)
        /// A valid archive uses a feature this reader does not implement (encryption, multi-disk zip, …).
        public static let unsupported = Code(.unsupported)
        /// An entry would replace a directory with a file, or needs a directory where a file is.
        public static let conflictingEntry = Code(.conflictingEntry)
        /// A system call on the archive, the destination or a source file failed.
        public static let fileSystem = Code(.fileSystem)

        public var description: String { String(describing: wrapped) }
    }

    public let code: Code
    /// The user-facing message, e.g. `unsafe archive path "../evil"`.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

// The messages, in one place so that their wording stays consistent.
extension ArchiveError {
    static func unsafePath(_ name: String) -> ArchiveError {
        ArchiveError(.unsafePath, "unsafe archive path \(quoted(name))")
    }

    static let notAnArchive = ArchiveError(.notAnArchive, "archive is not a gzip, zip or tar file")
    static let notGzip = ArchiveError(.notAnArchive, "archive is not a gzip file")
    static let notZip = ArchiveError(.notAnArchive, "archive is not a zip file")
    static let truncated = ArchiveError(.truncated, "truncated archive")

    static func corruptTarHeader(at offset: Int) -> ArchiveError {
        ArchiveError(.corrupt, "corrupt tar header at offset \(offset)")
    }

    static func corruptGzip(_ detail: String) -> ArchiveError {
        ArchiveError(.corrupt, "corrupt gzip data: \(detail)")
    }

    static func corruptZip(_ detail: String) -> ArchiveError {
        ArchiveError(.corrupt, "corrupt zip archive: \(detail)")
    }

    static func corruptZipEntry(_ name: String, _ detail: String) -> ArchiveError {
        ArchiveError(.corrupt, "zip entry \(quoted(name)) is corrupt: \(detail)")
    }

    static func zipChecksumMismatch(_ name: String) -> ArchiveError {
        ArchiveError(.checksumMismatch, "zip entry \(quoted(name)) failed CRC check")
    }

    static func tooManyEntries(_ limit: Int) -> ArchiveError {
        ArchiveError(.limitExceeded, "archive has more than \(limit) entries")
    }

    static func entryTooLarge(_ name: String, _ limit: Int) -> ArchiveError {
        ArchiveError(.limitExceeded, "archive entry \(quoted(name)) exceeds \(limit) bytes")
    }

    static func totalTooLarge(_ limit: Int) -> ArchiveError {
        ArchiveError(.limitExceeded, "archive contents exceed \(limit) bytes")
    }

    static func pathTooLong(_ limit: Int) -> ArchiveError {
        ArchiveError(.limitExceeded, "archive entry path exceeds \(limit) bytes")
    }

    static func extendedHeaderTooLarge(at offset: Int, _ limit: Int) -> ArchiveError {
        ArchiveError(.limitExceeded, "tar extended header at offset \(offset) exceeds \(limit) bytes")
    }

    static func unsupported(_ detail: String) -> ArchiveError {
        ArchiveError(.unsupported, detail)
    }

    static func conflictingEntry(_ name: String) -> ArchiveError {
        ArchiveError(.conflictingEntry, "archive entry \(quoted(name)) conflicts with an earlier entry")
    }

    /// `cannot <operation> "<path>": <strerror>`.
    static func fileSystem(_ operation: String, _ path: String, _ code: Int32) -> ArchiveError {
        ArchiveError(.fileSystem, "cannot \(operation) \(quoted(path)): \(String(cString: strerror(code)))")
    }

    static func notARegularFile(_ path: String, _ kind: FileKind) -> ArchiveError {
        ArchiveError(.fileSystem, "\(quoted(path)) is \(kind), not a regular file")
    }

    static func compressIntoItself(_ path: String) -> ArchiveError {
        ArchiveError(.fileSystem, "cannot compress \(quoted(path)) into itself")
    }

    static func sourceChanged(_ path: String) -> ArchiveError {
        ArchiveError(.fileSystem, "file \(quoted(path)) changed while it was being archived")
    }

    /// Quotes a name for a message, escaping quotes, backslashes and control characters so
    /// that a hostile entry name cannot forge log lines or hide a NUL byte.
    static func quoted(_ name: String) -> String {
        var result = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
