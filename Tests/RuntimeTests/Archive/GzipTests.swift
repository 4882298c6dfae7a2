import Testing

@testable import Runtime

@Suite struct GzipTests {
    @Test(arguments: [0, 1, 100_000, 3 << 20])
    func compressesWhatGzipDecompresses(size: Int) throws {
        let scratch = ArchiveScratch()
        // Half noise, half repetition: both the stored and the compressing paths of deflate.
        let data = ArchiveFixture.noise(count: size / 2, seed: 11) + [UInt8](repeating: 0x61, count: size - size / 2)
        ArchiveFixture.write(scratch("in"), data)
        try Gzip.compress(file: scratch("in"), to: scratch("out.gz"))
        try ArchiveShell.check("gzip -t \(scratch("out.gz")) && gzip -dc \(scratch("out.gz")) > \(scratch("round"))")
        #expect(ArchiveFixture.read(scratch("round")) == data)
    }

    @Test func reportsMissingInputAndLeavesNoOutput() {
        let scratch = ArchiveScratch()
        #expect(archiveErrorMessage { try Gzip.compress(file: scratch("missing"), to: scratch("out.gz")) }
            == "cannot open \"\(scratch("missing"))\": No such file or directory")
        #expect(!ArchiveFixture.exists(scratch("out.gz")))
        // Refused when opened (input files must be regular files), before anything is read.
        #expect(archiveErrorMessage { try Gzip.compress(file: scratch(""), to: scratch("out.gz")) }
            == "\"\(scratch(""))\" is a directory, not a regular file")
        #expect(!ArchiveFixture.exists(scratch("out.gz")))
    }

    @Test func refusesToCompressAFileIntoItself() {
        let scratch = ArchiveScratch()
        ArchiveFixture.write(scratch("data"), "precious\n")
        #expect(archiveErrorMessage { try Gzip.compress(file: scratch("data"), to: scratch("data")) }
            == "cannot compress \"\(scratch("data"))\" into itself")
        #expect(ArchiveFixture.read(scratch("data")) == Array("precious\n".utf8))
    }
}
