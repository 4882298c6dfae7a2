import Testing

@testable import Runtime

@Suite struct ArchiveFormatTests {
    // Each real tool's output is recognised by content, whatever the file is called.
    @Test func detectsFormatsWrittenByRealTools() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        let src = ArchiveShell.quote(scratch("src"))
        try ArchiveShell.check("tar czf \(scratch("a.tgz")) -C \(src) .")
        try ArchiveShell.check("tar cf \(scratch("gnu.tar")) -C \(src) .")
        try ArchiveShell.check("tar --format=pax -cf \(scratch("pax.tar")) -C \(src) .")
        try ArchiveShell.check("tar --format=v7 -cf \(scratch("v7.tar")) -C \(src) index.js")
        try ArchiveShell.check("cd \(src) && zip -qr \(scratch("a.zip")) .")
        try ArchiveShell.check("cp \(scratch("a.zip")) \(scratch("misnamed.tgz"))")

        #expect(try ArchiveFormat.detect(path: scratch("a.tgz")) == .tarGzip)
        #expect(try ArchiveFormat.detect(path: scratch("gnu.tar")) == .tar)
        #expect(try ArchiveFormat.detect(path: scratch("pax.tar")) == .tar)
        #expect(try ArchiveFormat.detect(path: scratch("v7.tar")) == .tar)
        #expect(try ArchiveFormat.detect(path: scratch("a.zip")) == .zip)
        #expect(try ArchiveFormat.detect(path: scratch("misnamed.tgz")) == .zip)
    }

    @Test func detectsEmptyZipAndEmptyTar() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("empty.zip"), ZipBuilder().build())
        try ArchiveShell.check("tar cf \(scratch("empty.tar")) -T /dev/null")
        #expect(try ArchiveFormat.detect(path: scratch("empty.zip")) == .zip)
        #expect(try ArchiveFormat.detect(path: scratch("empty.tar")) == .tar)
    }

    @Test func rejectsOtherFiles() {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("text"), String(repeating: "not an archive\n", count: 100))
        ArchiveFixture.write(scratch("short"), "PK")
        var builder = TarBuilder()
        builder.entry("bad-checksum.txt", data: [1, 2, 3], checksumDelta: 1)
        ArchiveFixture.write(scratch("bad.tar"), builder.bytes)

        for name in ["text", "short", "bad.tar"] {
            #expect(archiveErrorMessage { try ArchiveFormat.detect(path: scratch(name)) } == "archive is not a gzip, zip or tar file")
        }
        #expect(archiveErrorMessage { try ArchiveFormat.detect(path: scratch("missing")) }
            == "cannot open \"\(scratch("missing"))\": No such file or directory")
    }
}
