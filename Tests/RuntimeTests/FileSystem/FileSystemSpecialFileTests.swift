import Glibc
import Testing
@testable import Runtime

/// FIFOs, sockets and devices are never opened in a way that blocks: a FIFO without a
/// writer would hang the thread forever. Each test would hang (and time out) without that.
@Suite(.timeLimit(.minutes(1))) struct FileSystemSpecialFileTests {
    let scratch = ArchiveScratch()

    func fifo(_ relative: String) -> String {
        let path = scratch(relative)
        #expect(mkfifo(path, 0o644) == 0)
        return path
    }

    @Test func reportsTheKindOfAFileWithoutOpeningIt() {
        ArchiveFixture.write(scratch("file"), "x")
        #expect(FileSystem.kind(scratch("file")) == .regularFile)
        #expect(FileSystem.kind(scratch.path) == .directory)
        #expect(FileSystem.kind(fifo("pipe")) == .fifo)
        #expect(FileSystem.kind("/dev/null") == .characterDevice)
        #expect(FileSystem.kind(scratch("missing")) == nil)
        symlink(scratch("pipe"), scratch("link"))
        #expect(FileSystem.kind(scratch("link")) == .fifo)
        #expect(FileSystem.kind(scratch("link"), followSymlinks: false) == .symbolicLink)
    }

    @Test func copyFileRefusesAFIFOAndADevice() {
        let pipe = fifo("pipe")
        #expect { try FileSystem.copyFile(pipe, to: scratch("out")) } throws: {
            ($0 as? FileSystemError)?.description == "\(pipe): is a FIFO (named pipe), not a regular file"
        }
        #expect(throws: FileSystemError.self) { try FileSystem.copyFile("/dev/zero", to: scratch("zero")) }
        #expect(FileSystem.kind(scratch("out")) == nil)
    }

    @Test func copyTreeSkipsSpecialFiles() throws {
        ArchiveFixture.write(scratch("src/a.txt"), "a\n")
        ArchiveFixture.makeDirectories(scratch("src/sub"))
        _ = fifo("src/pipe")
        _ = fifo("src/sub/pipe")
        try FileSystem.copyTree(scratch("src"), to: scratch("dst"))
        #expect(try FileSystem.listDirectory(scratch("dst")) == ["a.txt", "sub"])
        #expect(try FileSystem.listDirectory(scratch("dst/sub")) == [])
        #expect(try FileSystem.treeSize(scratch("src")) == 2)
    }

    @Test func archivesAreOnlyReadFromRegularFiles() {
        let pipe = fifo("package.tgz")
        #expect { _ = try ArchiveFormat.detect(path: pipe) } throws: {
            ($0 as? ArchiveError)?.message == "\"\(pipe)\" is a FIFO (named pipe), not a regular file"
        }
        #expect(throws: ArchiveError.self) {
            _ = try ArchiveExtractor.extract(archive: "/dev/zero", format: .tarGzip, into: scratch.directory("out"))
        }
    }

    @Test func measuresDiskUseOfATree() throws {
        ArchiveFixture.write(scratch("tree/big.bin"), [UInt8](repeating: 7, count: 300_000))
        symlink("/usr", scratch("tree/link"))
        let used = FileSystem.diskUsage(scratch("tree"))
        #expect(used >= 300_000 && used < 400_000)
        #expect(FileSystem.diskUsage(scratch("missing")) == 0)
    }
}
