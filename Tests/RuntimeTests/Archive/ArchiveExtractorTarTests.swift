import Glibc
import Testing

@testable import Runtime

/// Tar and tar.gz archives written by real tools (GNU tar in its formats, git, npm).
@Suite struct ArchiveExtractorTarTests {
    /// Extracts `archive` into a new directory `scratch(into)` and returns the summary.
    func extract(_ archive: String, _ format: ArchiveFormat, into: String, _ scratch: ArchiveScratch) throws -> ArchiveSummary {
        try ArchiveExtractor.extract(archive: archive, format: format, into: scratch.directory(into))
    }

    @Test func extractsGNUTarGzipByteForByte() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try ArchiveShell.check("tar czf \(scratch("a.tgz")) -C \(scratch("src")) .")

        let summary = try extract(scratch("a.tgz"), .tarGzip, into: "out", scratch)

        let source = ArchiveFixture.snapshot(scratch("src"))
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out")), source)
        let bytes = source.values.reduce(0) { if case .file(_, let data) = $1 { $0 + data.count } else { $0 } }
        // bin docs empty-dir lib lib/deep lib/deep/nested (the "./" entry is the destination itself).
        #expect(summary == ArchiveSummary(files: 7, directories: 6, bytes: bytes, skipped: []))
        #expect(bytes > 200_000)
    }

    @Test(arguments: ["gnu", "pax", "ustar", "posix"])
    func extractsEachTarFormatWithLongNames(format: String) throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        // 120-byte file name (GNU: L header, PAX: path record); ustar can only split at a slash.
        let longDirectory = String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 60)
        let longName = format == "ustar" ? longDirectory + "/short.txt" : longDirectory + "/" + String(repeating: "n", count: 120) + ".txt"
        ArchiveFixture.write(scratch("src/" + longName), "long name\n", mode: 0o755)
        try ArchiveShell.check("tar --format=\(format) -cf \(scratch("a.tar")) -C \(scratch("src")) .")

        let summary = try extract(scratch("a.tar"), .tar, into: "out", scratch)

        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out")), ArchiveFixture.snapshot(scratch("src")))
        #expect(summary.files == 8)
        #expect(ArchiveFixture.read(scratch("out/" + longName)) == Array("long name\n".utf8))
    }

    // A name longer than ustar's 255 bytes forces a PAX path record even with a split.
    @Test func extractsPAXPathsLongerThanUstarAllows() throws {
        let scratch = ArchiveScratch()
        let name = (0..<6).map { String(repeating: Character(String($0)), count: 60) }.joined(separator: "/") + "/file.txt"
        ArchiveFixture.write(scratch("src/" + name), "deep\n")
        try ArchiveShell.check("tar --format=pax -czf \(scratch("a.tgz")) -C \(scratch("src")) .")
        _ = try extract(scratch("a.tgz"), .tarGzip, into: "out", scratch)
        #expect(ArchiveFixture.read(scratch("out/" + name)) == Array("deep\n".utf8))
    }

    @Test func extractsGitArchiveWithItsGlobalHeader() throws {
        let scratch = ArchiveScratch()
        let repo = scratch.directory("repo")
        ArchiveFixture.makeSampleTree(at: repo)
        // Git stores neither empty directories nor modes other than 644/755.
        rmdir(repo + "/empty-dir")
        try ArchiveShell.check("""
            cd \(repo) && git init -q . && git add -A && \
            git -c user.name=t -c user.email=t@example.com commit -q -m init && \
            git archive --format=tar HEAD > \(scratch("git.tar"))
            """)
        rename(repo + "/.git", scratch("dot-git"))

        let summary = try extract(scratch("git.tar"), .tar, into: "out", scratch)
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out")), ArchiveFixture.snapshot(repo))
        #expect(summary.files == 7)

        // The daemon's path for Git sources: gzip the tar, then extract the .tgz.
        try Gzip.compress(file: scratch("git.tar"), to: scratch("git.tgz"))
        #expect(try ArchiveFormat.detect(path: scratch("git.tgz")) == .tarGzip)
        _ = try extract(scratch("git.tgz"), .tarGzip, into: "out2", scratch)
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out2")), ArchiveFixture.snapshot(repo))
    }

    @Test func extractsNpmPackTarball() throws {
        let scratch = ArchiveScratch()
        let package = scratch.directory("pkg")
        ArchiveFixture.write(package + "/package.json", #"{"name":"tiny-pkg","version":"1.2.3","bin":{"tiny":"bin/tiny.js"},"files":["index.js","bin"]}"#)
        ArchiveFixture.write(package + "/index.js", "module.exports = 'tiny';\n")
        ArchiveFixture.write(package + "/bin/tiny.js", "#!/usr/bin/env node\nconsole.log('tiny');\n", mode: 0o755)
        scratch.directory("packed")
        scratch.directory("npm-cache")
        let output = try ArchiveShell.check("""
            cd \(package) && npm pack --silent --offline --cache \(scratch("npm-cache")) --pack-destination \(scratch("packed"))
            """)
        let tarball = scratch("packed/" + (output.split(separator: "\n").last.map(String.init) ?? ""))
        #expect(tarball.hasSuffix("tiny-pkg-1.2.3.tgz"))
        #expect(try ArchiveFormat.detect(path: tarball) == .tarGzip)

        let summary = try extract(tarball, .tarGzip, into: "out", scratch)

        let tree = ArchiveFixture.snapshot(scratch("out"))
        #expect(tree.keys.sorted() == ["package", "package/bin", "package/bin/tiny.js", "package/index.js", "package/package.json"])
        #expect(tree["package/bin/tiny.js"] == .file(mode: 0o755, bytes: ArchiveFixture.read(package + "/bin/tiny.js")!))
        #expect(tree["package/index.js"] == .file(mode: 0o644, bytes: ArchiveFixture.read(package + "/index.js")!))
        #expect(tree["package/package.json"] == .file(mode: 0o644, bytes: ArchiveFixture.read(package + "/package.json")!))
        #expect(summary.files == 3 && summary.directories == 2 && summary.skipped.isEmpty)
    }

    // Links, devices and fifos are listed, never created.
    @Test func skipsLinksAndSpecialFiles() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("src/a.txt"), "a\n")
        try ArchiveShell.check("""
            cd \(scratch("src")) && ln -s a.txt soft && ln a.txt hard && ln -s /etc outside && mkfifo pipe && \
            tar czf \(scratch("a.tgz")) a.txt soft hard outside pipe
            """)
        let summary = try extract(scratch("a.tgz"), .tarGzip, into: "out", scratch)
        #expect(summary == ArchiveSummary(files: 1, directories: 0, bytes: 2, skipped: ["soft", "hard", "outside", "pipe"]))
        #expect(ArchiveFixture.snapshot(scratch("out")) == ["a.txt": .file(mode: 0o644, bytes: Array("a\n".utf8))])
    }

    @Test func readsBase256SizesAndV7Directories() throws {
        let scratch = ArchiveScratch()
        var tar = TarBuilder()
        tar.entry("old-dir/", type: "\0", magic: .v7)
        tar.entry("old-dir/big.bin", data: Array("base-256".utf8), sizeField: [0x80] + [UInt8](repeating: 0, count: 10) + [8])
        tar.entry("v7.txt", type: "\0", data: Array("v7\n".utf8), mode: 0o700, magic: .v7)
        tar.end()
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)
        #expect(try ArchiveFormat.detect(path: scratch("a.tar")) == .tar)

        let summary = try extract(scratch("a.tar"), .tar, into: "out", scratch)
        #expect(ArchiveFixture.snapshot(scratch("out")) == [
            "old-dir": .directory(mode: 0o755),
            "old-dir/big.bin": .file(mode: 0o644, bytes: Array("base-256".utf8)),
            "v7.txt": .file(mode: 0o755, bytes: Array("v7\n".utf8)),
        ])
        #expect(summary == ArchiveSummary(files: 2, directories: 1, bytes: 11, skipped: []))
    }

    @Test func appliesPAXAndGNULongNameHeadersToTheNextEntryOnly() throws {
        let scratch = ArchiveScratch()
        var tar = TarBuilder()
        tar.pax([("comment", Array("global".utf8))], global: true)
        tar.pax([("path", Array("renamed/by-pax.txt".utf8)), ("mtime", Array("1.5".utf8))])
        tar.file("ignored-name.txt", "pax\n")
        tar.gnuLongName("renamed/by-gnu.txt")
        tar.entry("ignored-too.txt", data: Array("gnu\n".utf8), magic: .gnu)
        tar.file("plain.txt", "plain\n")
        tar.entry("prefixed.txt", data: Array("prefix\n".utf8), prefix: "ustar/prefix")
        tar.end()
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)

        _ = try extract(scratch("a.tar"), .tar, into: "out", scratch)
        let files = ArchiveFixture.snapshot(scratch("out")).filter { if case .file = $0.value { true } else { false } }
        #expect(files.keys.sorted() == ["plain.txt", "renamed/by-gnu.txt", "renamed/by-pax.txt", "ustar/prefix/prefixed.txt"])
    }

    // Python's tarfile (PAX format) puts the first 100 bytes of a long path in the ustar name
    // field; when byte 100 is a "/", that field looks like a pre-POSIX directory. GNU tar goes
    // by the PAX path (a file) and reads the entry's data; so must we.
    @Test func paxPathDecidesOverATruncatedUstarNameEndingInSlash() throws {
        let scratch = ArchiveScratch()
        let path = String(repeating: "a", count: 99) + "/" + String(repeating: "b", count: 30) + ".txt"
        var tar = TarBuilder()
        tar.pax([("path", Array(path.utf8))])
        tar.entry(String(path.prefix(100)), data: Array("pax file\n".utf8))
        tar.file("after.txt", "after\n")
        // A PAX path that does end in "/" on a regular-file entry is still a (legacy) directory.
        tar.pax([("path", Array("legacy-dir/".utf8))])
        tar.entry("legacy-d", type: "\0")
        tar.end()
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)

        let summary = try extract(scratch("a.tar"), .tar, into: "out", scratch)

        #expect(ArchiveFixture.read(scratch("out/" + path)) == Array("pax file\n".utf8))
        #expect(ArchiveFixture.read(scratch("out/after.txt")) == Array("after\n".utf8))
        #expect(ArchiveFixture.snapshot(scratch("out"))["legacy-dir"] == .directory(mode: 0o755))
        #expect(summary.files == 2)
    }

    // A later entry of the same name replaces the file, as with tar(1).
    @Test func laterFileReplacesEarlierFile() throws {
        let scratch = ArchiveScratch()
        var tar = TarBuilder()
        tar.file("x.txt", "first\n", mode: 0o755)
        tar.file("./x.txt", "second\n")
        tar.end()
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)
        let summary = try extract(scratch("a.tar"), .tar, into: "out", scratch)
        #expect(ArchiveFixture.snapshot(scratch("out")) == ["x.txt": .file(mode: 0o644, bytes: Array("second\n".utf8))])
        #expect(summary.files == 2)
    }

    @Test func acceptsMultiMemberGzipAndTrailingZeros() throws {
        let scratch = ArchiveScratch()
        ArchiveFixture.makeSampleTree(at: scratch("src"))
        try ArchiveShell.check("""
            cd \(scratch("")) && tar cf a.tar -C src . && head -c 100000 a.tar | gzip -c > multi.tgz && \
            tail -c +100001 a.tar | gzip -c >> multi.tgz && gzip -dc multi.tgz | cmp - a.tar && \
            cp multi.tgz padded.tgz && head -c 4096 /dev/zero >> padded.tgz
            """)
        _ = try extract(scratch("multi.tgz"), .tarGzip, into: "out", scratch)
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out")), ArchiveFixture.snapshot(scratch("src")))
        _ = try extract(scratch("padded.tgz"), .tarGzip, into: "out2", scratch)
        ArchiveFixture.expectSameTree(ArchiveFixture.snapshot(scratch("out2")), ArchiveFixture.snapshot(scratch("src")))
    }

    // A tar that stops exactly between entries (no end blocks) is complete as far as it goes.
    @Test func acceptsArchiveWithoutEndBlocks() throws {
        let scratch = ArchiveScratch()
        var tar = TarBuilder()
        tar.file("a.txt", "a\n")
        ArchiveFixture.write(scratch("a.tar"), tar.bytes)
        let summary = try extract(scratch("a.tar"), .tar, into: "out", scratch)
        #expect(summary.files == 1)
    }
}
