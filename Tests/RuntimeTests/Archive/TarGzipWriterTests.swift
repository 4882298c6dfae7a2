import Glibc
import Testing

@testable import Runtime

@Suite struct TarGzipWriterTests {
    // Round trip: what TarGzipWriter packs, GNU tar and ArchiveExtractor unpack to the same tree.
    @Test func roundTripsThroughGNUTarAndTheExtractor() throws {
        let scratch = ArchiveScratch()
        let source = scratch("src")
        ArchiveFixture.makeSampleTree(at: source)
        // Names that need a ustar prefix (> 100 bytes) and a PAX path (> 255 bytes).
        let split = String(repeating: "p", count: 80) + "/" + String(repeating: "q", count: 70) + ".js"
        let pax = (0..<5).map { String(repeating: Character(String($0)), count: 70) }.joined(separator: "/") + ".js"
        ArchiveFixture.write(source + "/" + split, "split\n")
        ArchiveFixture.write(source + "/" + pax, "pax\n", mode: 0o755)

        try TarGzipWriter.write(directory: source, to: scratch("a.tgz"))

        try ArchiveShell.check("mkdir \(scratch("by-tar")) && tar xzf \(scratch("a.tgz")) -C \(scratch("by-tar"))")
        let expected = ArchiveFixture.snapshot(source)
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("by-tar")), expected)
        let summary = try ArchiveExtractor.extract(archive: scratch("a.tgz"), format: .tarGzip, into: scratch.directory("by-extractor"))
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("by-extractor")), expected)
        #expect(summary.files == 9)
        #expect(summary.skipped.isEmpty)
    }

    @Test func writesNormalisedSortedEntries() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("src/b.txt"), "b\n", mode: 0o600)
        ArchiveFixture.write(scratch("src/a/z.sh"), "z\n", mode: 0o744)
        ArchiveFixture.write(scratch("src/B.txt"), "B\n")
        ArchiveFixture.write(scratch("src/a/y.txt"), "y\n")
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("a.tgz"))

        let listing = try ArchiveShell.check("tar --numeric-owner --utc -tvzf \(scratch("a.tgz"))")
        let lines = listing.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        // mode, owner, size, date, time, name
        #expect(lines.map { $0[5] } == ["B.txt", "a/", "a/y.txt", "a/z.sh", "b.txt"])
        #expect(lines.map { $0[0] } == ["-rw-r--r--", "drwxr-xr-x", "-rw-r--r--", "-rwxr-xr-x", "-rw-r--r--"])
        #expect(Set(lines.map { $0[1] }) == ["0/0"])
        #expect(Set(lines.map { $0[3] + " " + $0[4] }) == ["1985-10-26 08:15"])
    }

    @Test func isReproducible() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("one.tgz"))
        ArchiveFixture.write(scratch("src/index.js"), "module.exports = 42;\n")  // same bytes, new mtime
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("two.tgz"))
        #expect(ArchiveFixture.read(scratch("one.tgz")) == ArchiveFixture.read(scratch("two.tgz")))
    }

    @Test func writesUnderPrefixAndHonoursExclusions() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("src/package.json"), "{}\n")
        ArchiveFixture.write(scratch("src/node_modules/dep/index.js"), "dep\n")
        ArchiveFixture.write(scratch("src/.git/HEAD"), "ref\n")
        ArchiveFixture.write(scratch("src/lib/keep.js"), "keep\n")
        ArchiveFixture.write(scratch("src/lib/skip.log"), "log\n")
        var seen: [String] = []
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("a.tgz"), prefix: "package/") { name in
            seen.append(name)
            return name == "node_modules" || name == ".git" || name.hasSuffix(".log")
        }
        #expect(seen == [".git", "lib", "lib/keep.js", "lib/skip.log", "node_modules", "package.json"])
        let names = try ArchiveShell.check("tar tzf \(scratch("a.tgz"))").split(separator: "\n").map(String.init)
        #expect(names == ["package/", "package/lib/", "package/lib/keep.js", "package/package.json"])
    }

    @Test func skipsSymlinksAndItsOwnOutput() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("src/real.txt"), "real\n")
        symlink("/etc/passwd", scratch("src/link"))
        symlink(scratch("src"), scratch("src/loop"))
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("src/self.tgz"))
        let names = try ArchiveShell.check("tar tzf \(scratch("src/self.tgz"))").split(separator: "\n").map(String.init)
        #expect(names == ["real.txt"])
    }

    // Linux names are bytes: one that is not UTF-8 survives packing and both unpackers.
    @Test func keepsNamesThatAreNotUTF8() throws {
        let scratch = ArchiveScratch()
        let name = "\"$(printf 'caf\\351')\""  // "café" in Latin-1
        try ArchiveShell.check("mkdir \(scratch("src")) && printf 'latin-1\\n' > \(scratch("src"))/\(name)")
        try TarGzipWriter.write(directory: scratch("src"), to: scratch("a.tgz"))
        try ArchiveShell.check("mkdir \(scratch("by-tar")) && tar xzf \(scratch("a.tgz")) -C \(scratch("by-tar"))")
        _ = try ArchiveExtractor.extract(archive: scratch("a.tgz"), format: .tarGzip, into: scratch.directory("by-extractor"))
        try ArchiveShell.check("""
            cmp \(scratch("src"))/\(name) \(scratch("by-tar"))/\(name) && \
            cmp \(scratch("src"))/\(name) \(scratch("by-extractor"))/\(name)
            """)
    }

    @Test func reportsUnreadableSourceAndRemovesOutput() {
        let scratch = ArchiveScratch()
        let message = archiveErrorMessage { try TarGzipWriter.write(directory: scratch("missing"), to: scratch("a.tgz")) }
        #expect(message == "cannot open directory \"\(scratch("missing"))\": No such file or directory")
        #expect(!ArchiveFixture.exists(scratch("a.tgz")))
    }
}
