import Glibc
import Testing

@testable import Runtime

/// Zip files written by Info-ZIP `zip` (deflated, stored, streamed with data descriptors,
/// zip64) and by hand (zip64 sizes in the central directory).
@Suite struct ArchiveExtractorZipTests {
    func extract(_ archive: String, into: String, _ scratch: ArchiveScratch) throws -> ArchiveSummary {
        try ArchiveExtractor.extract(archive: archive, format: .zip, into: scratch.directory(into))
    }

    @Test(arguments: [
        ("deflated", "zip -qr ../a.zip ."),
        ("stored", "zip -qr0 ../a.zip ."),
        // Output to a pipe: local headers carry zero sizes and a data descriptor follows each entry.
        ("streamed", "zip -qr - . | cat > ../a.zip"),
        ("zip64", "zip -qr -fz ../a.zip ."),
    ])
    func extractsInfoZipArchivesByteForByte(kind: String, command: String) throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try ArchiveShell.check("cd \(scratch("src")) && \(command)")

        let summary = try extract(scratch("a.zip"), into: "out", scratch)

        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out")), ArchiveFixture.snapshot(scratch("src")))
        #expect(summary.files == 7, "\(kind)")
        #expect(summary.directories == 6, "\(kind)")
    }

    // `zip -y` stores the link itself; it must be listed, not created.
    @Test func skipsStoredSymlinks() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("src/a.txt"), "a\n")
        try ArchiveShell.check("cd \(scratch("src")) && ln -s /etc/passwd link && zip -qry ../a.zip a.txt link")
        let summary = try extract(scratch("a.zip"), into: "out", scratch)
        #expect(summary == ArchiveSummary(files: 1, directories: 0, bytes: 2, skipped: ["link"]))
        #expect(ArchiveFixture.snapshot(scratch("out")) == ["a.txt": .file(mode: 0o644, bytes: Array("a\n".utf8))])
    }

    @Test func readsZip64CentralDirectoryFields() throws {
        let scratch = ArchiveScratch()
        var zip = ZipBuilder()
        zip.zip64 = true
        zip.add("dir/hello.txt", "hello zip64\n", mode: 0o100755)
        zip.add("other.txt", "second\n")
        ArchiveFixture.write(scratch("a.zip"), zip.build())
        // The fixture is valid for a real unzip too.
        try ArchiveShell.check("unzip -tq \(scratch("a.zip"))")

        let summary = try extract(scratch("a.zip"), into: "out", scratch)
        #expect(ArchiveFixture.snapshot(scratch("out")) == [
            "dir": .directory(mode: 0o755),
            "dir/hello.txt": .file(mode: 0o755, bytes: Array("hello zip64\n".utf8)),
            "other.txt": .file(mode: 0o644, bytes: Array("second\n".utf8)),
        ])
        #expect(summary == ArchiveSummary(files: 2, directories: 1, bytes: 19, skipped: []))
    }

    @Test func extractsEmptyZip() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("a.zip"), ZipBuilder().build())
        #expect(try extract(scratch("a.zip"), into: "out", scratch) == ArchiveSummary())
    }

    // Zips written on Windows carry no Unix mode: directories are known by their slash.
    @Test func handlesEntriesWithoutUnixModes() throws {
        let scratch = ArchiveScratch()
        var zip = ZipBuilder()
        zip.entries.append(.init(name: "folder/", data: [], mode: 0))
        zip.entries.append(.init(name: "folder/file.txt", data: Array("dos\n".utf8), mode: 0))
        ArchiveFixture.write(scratch("a.zip"), zip.build())
        _ = try extract(scratch("a.zip"), into: "out", scratch)
        #expect(ArchiveFixture.snapshot(scratch("out")) == [
            "folder": .directory(mode: 0o755), "folder/file.txt": .file(mode: 0o644, bytes: Array("dos\n".utf8)),
        ])
    }
}
