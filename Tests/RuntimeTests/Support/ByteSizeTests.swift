import Testing
@testable import Runtime

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("1073741824", 1 << 30), ("512M", 512 << 20), ("2G", 2 << 30), ("2g", 2 << 30), ("100KB", 100 << 10),
        ("1GiB", 1 << 30), ("3 MiB", 3 << 20), ("1T", 1 << 40), ("17B", 17), ("0", 0),
    ])
    func parsesBinarySuffixes(text: String, bytes: Int) {
        #expect(ByteSize.parse(text) == bytes)
    }

    @Test(arguments: ["", "G", "12X", "1.5G", "-1M", "1e9", "M5", "99999999999999999999", "9999999999T"])
    func refusesMalformedSizes(text: String) {
        #expect(ByteSize.parse(text) == nil)
    }

    @Test func describesWithTheLargestUnitThatFits() {
        #expect(ByteSize.describe(1) == "1 byte")
        #expect(ByteSize.describe(1023) == "1023 bytes")
        #expect(ByteSize.describe(1 << 20) == "1 MiB")
        #expect(ByteSize.describe(1536 << 10) == "1.5 MiB")
        #expect(ByteSize.describe(2 << 30) == "2 GiB")
    }
}
