import Glibc
import Testing

@testable import Runtime

/// Hostile and broken archives: each must fail with its stable message and write nothing
/// outside the destination.
@Suite struct ArchiveExtractorSecurityTests {
    let scratch = ArchiveScratch()

    /// Writes `tar` (ended) to a file and extracts it into a fresh directory; returns the error message.
    func extractTar(_ tar: TarBuilder, gzip: Bool = false, limits: ArchiveLimits = .init()) throws -> String? {
        var tar = tar
        tar.end()
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)
        if gzip { try ArchiveShell.check("gzip -c \(scratch("a.tar")) > \(scratch("a.tgz"))") }
        let destination = scratch.freshDirectory()
        return archiveErrorMessage {
            try ArchiveExtractor.extract(
                archive: scratch(gzip ? "a.tgz" : "a.tar"), format: gzip ? .tarGzip : .tar, into: destination, limits: limits)
        }
    }

    func extractZip(_ zip: [UInt8], limits: ArchiveLimits = .init()) -> String? {
        ArchiveFixture.write(scratch("a.zip"), zip)
        let destination = scratch.freshDirectory()
        return archiveErrorMessage { try ArchiveExtractor.extract(archive: scratch("a.zip"), format: .zip, into: destination, limits: limits) }
    }

    @Test(arguments: [
        ("../evil", "unsafe archive path \"../evil\""),
        ("/etc/x", "unsafe archive path \"/etc/x\""),
        ("a/../../x", "unsafe archive path \"a/../../x\""),
        ("a/../b", "unsafe archive path \"a/../b\""),
        ("./..", "unsafe archive path \"./..\""),
        ("ok/..", "unsafe archive path \"ok/..\""),
    ])
    func rejectsEscapingTarNames(name: String, message: String) throws {
        var tar = TarBuilder()
        tar.file("harmless.txt", "first\n")
        tar.file(name, "pwned\n")
        #expect(try extractTar(tar, gzip: true) == message)
        #expect(!ArchiveFixture.exists(scratch("evil")) && !ArchiveFixture.exists(scratch("x")) && !ArchiveFixture.exists(scratch("b")))
    }

    @Test func rejectsEscapingNamesInPAXAndGNUHeaders() throws {
        var pax = TarBuilder()
        pax.pax([("path", Array("../pax-evil".utf8))])
        pax.file("innocent.txt", "pwned\n")
        #expect(try extractTar(pax) == "unsafe archive path \"../pax-evil\"")

        var gnu = TarBuilder()
        gnu.gnuLongName("/tmp/gnu-evil")
        gnu.file("innocent.txt", "pwned\n")
        #expect(try extractTar(gnu) == "unsafe archive path \"/tmp/gnu-evil\"")
    }

    @Test func rejectsNULBytesInNames() throws {
        var tar = TarBuilder()
        tar.pax([("path", Array("a\0b".utf8))])
        tar.file("innocent.txt", "x\n")
        #expect(try extractTar(tar) == "unsafe archive path \"a\\x00b\"")

        var zip = ZipBuilder()
        zip.add("nul\0name.txt", "x")
        #expect(extractZip(zip.build()) == "unsafe archive path \"nul\\x00name.txt\"")
    }

    // The classic: a symlink to somewhere outside, then a file "through" it.
    @Test func rejectsFileThroughSkippedSymlink() throws {
        let outside = scratch.directory("outside")
        var tar = TarBuilder()
        tar.entry("link", type: "2", linkName: outside)
        tar.file("link/evil.txt", "pwned\n")
        #expect(try extractTar(tar) == "unsafe archive path \"link/evil.txt\"")
        #expect(ArchiveFixture.snapshot(outside).isEmpty)
        #expect(ArchiveFixture.snapshot(scratch("fresh-1")).isEmpty)

        var hard = TarBuilder()
        hard.entry("hard", type: "1", linkName: "/etc")
        hard.directory("hard/sub")
        #expect(try extractTar(hard) == "unsafe archive path \"hard/sub\"")
    }

    @Test func skipsHardlinksWithoutTouchingTheirTarget() throws {
        let victim = scratch("victim.txt")
        ArchiveFixture.write(victim, "original\n")
        var tar = TarBuilder()
        tar.entry("hard", type: "1", linkName: victim)
        tar.entry("dev", type: "3")
        tar.entry("fifo", type: "6")
        tar.file("after.txt", "after\n")
        var summary: ArchiveSummary?
        var withEnd = tar
        withEnd.end()
        ArchiveFixture.write(scratch("a.tar"), withEnd.bytes)
        summary = try ArchiveExtractor.extract(archive: scratch("a.tar"), format: .tar, into: scratch.directory("out"))
        #expect(summary == ArchiveSummary(files: 1, directories: 0, bytes: 6, skipped: ["hard", "dev", "fifo"]))
        #expect(ArchiveFixture.snapshot(scratch("out")).keys.sorted() == ["after.txt"])
        #expect(ArchiveFixture.read(victim) == Array("original\n".utf8))
    }

    // Extraction never creates symlinks, but one may already be in the destination; it is never followed.
    @Test func neverWritesThroughExistingSymlinks() throws {
        let outside = scratch.directory("outside")
        let destination = scratch.directory("out")
        symlink(outside, destination + "/dir-link")
        symlink(outside + "/target.txt", destination + "/file-link")

        for (name, message) in [
            ("dir-link/x.txt", "unsafe archive path \"dir-link/x.txt\""),
            ("file-link", "unsafe archive path \"file-link\""),
        ] {
            var tar = TarBuilder()
            tar.file(name, "pwned\n")
            tar.end()
            ArchiveFixture.write(scratch("a.tar"), tar.bytes)
            #expect(archiveErrorMessage { try ArchiveExtractor.extract(archive: scratch("a.tar"), format: .tar, into: destination) } == message)
        }
        var dir = TarBuilder()
        dir.directory("dir-link/sub")
        dir.end()
        ArchiveFixture.write(scratch("d.tar"), dir.bytes)
        #expect(archiveErrorMessage { try ArchiveExtractor.extract(archive: scratch("d.tar"), format: .tar, into: destination) }
            == "unsafe archive path \"dir-link/sub\"")
        #expect(ArchiveFixture.snapshot(outside).isEmpty)
    }

    @Test func rejectsFileReplacingDirectoryAndTheReverse() throws {
        var fileOverDirectory = TarBuilder()
        fileOverDirectory.directory("node_modules")
        fileOverDirectory.file("node_modules/keep.js", "keep\n")
        fileOverDirectory.file("node_modules", "clobber\n")
        #expect(try extractTar(fileOverDirectory) == "archive entry \"node_modules\" conflicts with an earlier entry")
        #expect(ArchiveFixture.read(scratch("fresh-1/node_modules/keep.js")) == Array("keep\n".utf8))

        var directoryOverFile = TarBuilder()
        directoryOverFile.file("a", "file\n")
        directoryOverFile.directory("a")
        #expect(try extractTar(directoryOverFile) == "archive entry \"a\" conflicts with an earlier entry")

        var fileUnderFile = TarBuilder()
        fileUnderFile.file("a", "file\n")
        fileUnderFile.file("a/b", "below a file\n")
        #expect(try extractTar(fileUnderFile) == "archive entry \"a/b\" conflicts with an earlier entry")
    }

    @Test func rejectsEscapingZipNames() {
        for name in ["../x", "/abs/x", "a/../../x"] {
            var zip = ZipBuilder()
            zip.add("fine.txt", "fine")
            zip.add(name, "pwned")
            #expect(extractZip(zip.build()) == "unsafe archive path \"\(name)\"")
        }
        #expect(!ArchiveFixture.exists(scratch("x")))
    }

    @Test func rejectsZipWithBadCRC() {
        var zip = ZipBuilder()
        zip.entries.append(.init(name: "x", data: Array("payload".utf8), crcOverride: 0xDEAD_BEEF))
        #expect(extractZip(zip.build()) == "zip entry \"x\" failed CRC check")
    }

    @Test func rejectsDeflatedZipWithBadCRC() throws {
        ArchiveFixture.write(scratch("src/data.txt"), String(repeating: "compressible ", count: 1000))
        try ArchiveShell.check("cd \(scratch("src")) && zip -q ../good.zip data.txt")
        var bytes = ArchiveFixture.read(scratch("good.zip"))!
        // Flip the CRC in the central directory (the copy the extractor trusts).
        let central = Self.find([0x50, 0x4B, 0x01, 0x02], in: bytes)!
        bytes[central + 16] ^= 0xFF
        #expect(extractZip(bytes) == "zip entry \"data.txt\" failed CRC check")
    }

    // A zip bomb: the declared size is small but the data inflates further.
    @Test func stopsZipDataBeyondItsDeclaredSize() throws {
        ArchiveFixture.write(scratch("src/zeros.bin"), [UInt8](repeating: 0, count: 1 << 20))
        try ArchiveShell.check("cd \(scratch("src")) && zip -q ../bomb.zip zeros.bin")
        var bytes = ArchiveFixture.read(scratch("bomb.zip"))!
        let central = Self.find([0x50, 0x4B, 0x01, 0x02], in: bytes)!
        bytes.replaceSubrange((central + 24)..<(central + 28), with: [0x00, 0x10, 0x00, 0x00])  // 4096
        #expect(extractZip(bytes) == "zip entry \"zeros.bin\" is corrupt: data is larger than its declared size")

        let honest = ArchiveFixture.read(scratch("bomb.zip"))!
        #expect(extractZip(honest, limits: ArchiveLimits(maximumFileBytes: 65536))
            == "archive entry \"zeros.bin\" exceeds 65536 bytes")
        #expect(extractZip(honest, limits: ArchiveLimits(maximumTotalBytes: 65536))
            == "archive contents exceed 65536 bytes")
    }

    @Test func rejectsZipWhoseLocalHeaderNamesAnotherFile() {
        var zip = ZipBuilder()
        zip.entries.append(.init(name: "safe.txt", data: Array("x".utf8), localName: "../evil"))
        #expect(extractZip(zip.build()) == "zip entry \"safe.txt\" is corrupt: local header names a different file")
    }

    @Test func rejectsEncryptedAndUnsupportedZipEntries() throws {
        ArchiveFixture.write(scratch("src/secret.txt"), "secret\n")
        try ArchiveShell.check("cd \(scratch("src")) && zip -q -P password ../enc.zip secret.txt")
        #expect(extractZip(ArchiveFixture.read(scratch("enc.zip"))!) == "zip entry \"secret.txt\" is encrypted")

        var zip = ZipBuilder()
        zip.entries.append(.init(name: "bz.txt", data: Array("x".utf8), method: 12))
        #expect(extractZip(zip.build()) == "zip entry \"bz.txt\" uses unsupported compression method 12")
    }

    @Test func rejectsTruncatedArchives() throws {
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try ArchiveShell.check("""
            cd \(scratch("")) && tar czf a.tgz -C src . && tar cf a.tar -C src . && (cd src && zip -qr ../a.zip .) && \
            head -c $(( $(stat -c %s a.tgz) / 2 )) a.tgz > half.tgz && \
            head -c $(( $(stat -c %s a.tgz) - 4 )) a.tgz > no-trailer.tgz && \
            head -c 100000 a.tar > half.tar && head -c 700 a.tar > mid-header.tar && \
            head -c 60000 a.zip > half.zip
            """)
        for (name, format) in [
            ("half.tgz", ArchiveFormat.tarGzip), ("no-trailer.tgz", .tarGzip), ("half.tar", .tar), ("mid-header.tar", .tar),
            ("half.zip", .zip),
        ] {
            let destination = scratch.directory("out-" + name)
            #expect(archiveErrorMessage { try ArchiveExtractor.extract(archive: scratch(name), format: format, into: destination) }
                == "truncated archive", "\(name)")
        }
    }

    @Test func rejectsCorruptTarHeaders() throws {
        var tar = TarBuilder()
        tar.file("first.txt", "first\n")
        tar.append([UInt8](repeating: 0x41, count: 512))  // not a header
        #expect(try extractTar(tar) == "corrupt tar header at offset 1024")

        var badChecksum = TarBuilder()
        badChecksum.entry("bad.txt", data: [1], checksumDelta: 3)
        #expect(try extractTar(badChecksum, gzip: true) == "corrupt tar header at offset 0")

        var badSize = TarBuilder()
        badSize.entry("bad-size.txt", sizeField: Array("12x4".utf8))
        #expect(try extractTar(badSize) == "corrupt tar header at offset 0")

        var badPAX = TarBuilder()
        badPAX.file("ok.txt", "ok\n")
        badPAX.entry("PaxHeader", type: "x", data: Array("99 path=oops\n".utf8))
        badPAX.file("next.txt", "next\n")
        #expect(try extractTar(badPAX) == "corrupt tar header at offset 1024")
    }

    @Test func rejectsCorruptGzip() throws {
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try ArchiveShell.check("tar czf \(scratch("a.tgz")) -C \(scratch("src")) .")
        var trailer = ArchiveFixture.read(scratch("a.tgz"))!
        trailer[trailer.count - 6] ^= 0xFF  // the CRC-32 in the gzip trailer
        ArchiveFixture.write(scratch("bad-crc.tgz"), trailer)
        var method = ArchiveFixture.read(scratch("a.tgz"))!
        method[2] = 7  // CM: 8 is deflate, the only method gzip defines
        ArchiveFixture.write(scratch("bad-method.tgz"), method)

        let crcMessage = archiveErrorMessage {
            try ArchiveExtractor.extract(archive: scratch("bad-crc.tgz"), format: .tarGzip, into: scratch.directory("o1"))
        }
        #expect(crcMessage == "corrupt gzip data: incorrect data check")
        let methodMessage = archiveErrorMessage {
            try ArchiveExtractor.extract(archive: scratch("bad-method.tgz"), format: .tarGzip, into: scratch.directory("o2"))
        }
        #expect(methodMessage == "corrupt gzip data: unknown compression method")
    }

    @Test func rejectsWrongFormat() throws {
        var zip = ZipBuilder()
        zip.add("a.txt", "a")
        ArchiveFixture.write(scratch("a.zip"), zip.build())
        ArchiveFixture.write(scratch("text.zip"), String(repeating: "plain text\n", count: 10))
        #expect(archiveErrorMessage {
            try ArchiveExtractor.extract(archive: scratch("a.zip"), format: .tarGzip, into: scratch.directory("o1"))
        } == "archive is not a gzip file")
        #expect(archiveErrorMessage {
            try ArchiveExtractor.extract(archive: scratch("text.zip"), format: .zip, into: scratch.directory("o2"))
        } == "archive is not a zip file")
    }

    @Test func enforcesLimits() throws {
        var three = TarBuilder()
        three.file("a", "1")
        three.file("b", "2")
        three.file("c", "3")
        #expect(try extractTar(three, limits: ArchiveLimits(maximumEntries: 2)) == "archive has more than 2 entries")

        var big = TarBuilder()
        big.file("small", "12345")
        big.file("dir/big", "12345678901")
        #expect(try extractTar(big, limits: ArchiveLimits(maximumFileBytes: 10)) == "archive entry \"dir/big\" exceeds 10 bytes")
        #expect(try extractTar(big, limits: ArchiveLimits(maximumTotalBytes: 15)) == "archive contents exceed 15 bytes")

        var long = TarBuilder()
        long.file(String(repeating: "x", count: 17), "1")
        #expect(try extractTar(long, limits: ArchiveLimits(maximumPathBytes: 16)) == "archive entry path exceeds 16 bytes")
        var longGNU = TarBuilder()
        longGNU.gnuLongName(String(repeating: "y", count: 5000))
        longGNU.file("short", "1")
        #expect(try extractTar(longGNU) == "archive entry path exceeds 4096 bytes")

        var zip = ZipBuilder()
        for index in 0..<3 { zip.add("f\(index)", "x") }
        #expect(extractZip(zip.build(), limits: ArchiveLimits(maximumEntries: 2)) == "archive has more than 2 entries")

        // A flood of extended headers with no entries is bounded too.
        var headers = TarBuilder()
        for _ in 0..<5 { headers.pax([("comment", Array("x".utf8))], global: true) }
        #expect(try extractTar(headers, limits: ArchiveLimits(maximumEntries: 3)) == "archive has more than 3 entries")
    }

    // Messages quote names so a hostile one cannot forge a log line.
    @Test func quotesControlCharactersInMessages() throws {
        var tar = TarBuilder()
        tar.file("../line\nbreak\"quote", "x")
        #expect(try extractTar(tar) == #"unsafe archive path "../line\nbreak\"quote""#)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
