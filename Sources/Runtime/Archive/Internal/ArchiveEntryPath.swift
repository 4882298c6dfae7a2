/// An entry name that passed the safety checks, cleaned into path components.
///
/// Rejected (``ArchiveError/unsafePath(_:)``): absolute names, any `..` segment (even one
/// that would cancel out, like `a/../b`: no legitimate packer writes it) and NUL bytes.
/// Empty and `.` segments are dropped, so `./package/x` becomes `package/x`, and `./`
/// (the archive root) has no components. Components keep the archive's bytes, so a name
/// that is not UTF-8 is created exactly as tar(1) would; only messages decode it.
struct ArchiveEntryPath: Hashable {
    /// NUL-terminated, ready for `openat` and friends.
    let components: [[CChar]]

    var isRoot: Bool { components.isEmpty }

    /// The cleaned name, `/`-separated, for messages and the summary.
    var joined: String { Self.display(components[...]) }

    /// `a`, `a/b` for `a/b/c`: each directory the entry lies in.
    var ancestors: [String] {
        components.indices.dropLast().map { Self.display(components[...$0]) }
    }

    init(validating raw: [UInt8], limits: ArchiveLimits) throws(ArchiveError) {
        guard raw.count <= limits.maximumPathBytes else { throw .pathTooLong(limits.maximumPathBytes) }
        guard !raw.contains(0), raw.first != UInt8(ascii: "/") else { throw .unsafePath(String(decoding: raw, as: UTF8.self)) }
        var components: [[CChar]] = []
        for segment in raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if segment.elementsEqual(".".utf8) { continue }
            if segment.elementsEqual("..".utf8) { throw .unsafePath(String(decoding: raw, as: UTF8.self)) }
            components.append(segment.map { CChar(bitPattern: $0) } + [0])
        }
        self.components = components
    }

    /// A component without its NUL, decoded for display.
    static func display(_ component: [CChar]) -> String {
        String(decoding: component.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func display(_ components: ArraySlice<[CChar]>) -> String {
        components.map(display).joined(separator: "/")
    }
}
