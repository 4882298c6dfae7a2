import Testing
@testable import Protocols

/// SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-4 examples, RFC 4231) and
/// against Python's hashlib on inputs around every padding boundary, fed whole and in pieces.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func publishedVectors(input: String, digest: String) {
        #expect(Digests.sha256Hex(input) == digest)
    }

    @Test func aMillionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { chunk.withUnsafeBytes { hasher.update($0) } }
        #expect(Digests.hex(hasher.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Inputs of `i % 251` bytes; digests from Python's hashlib.
    @Test(arguments: [
            (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
            (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
            (57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"),
            (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
            (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
            (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
            (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
            (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
            (127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"),
            (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
            (1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"),
            (4097, "a16560d668b843fb3be99ace41dbd18471f342bd3255a1d21204b35e43f74436"),
        ] as [(Int, String)])
    func matchesHashlibAroundBlockBoundaries(size: Int, digest: String) {
        let input = (0..<size).map { UInt8($0 % 251) }
        #expect(Digests.sha256Hex(input) == digest)
        // The same bytes fed in uneven pieces.
        var hasher = SHA256()
        var offset = 0
        var step = 1
        while offset < input.count {
            let end = min(input.count, offset + step)
            input[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
            step = step * 3 % 97 + 1
        }
        #expect(Digests.hex(hasher.finish()) == digest)
    }

    /// RFC 4231 test cases 1, 2 and 6 (a key longer than a block).
    @Test func hmacRFC4231() {
        #expect(Digests.hmacSHA256Hex(key: [UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Digests.hmacSHA256Hex(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digests.hmacSHA256Hex(key: [UInt8](repeating: 0xaa, count: 131),
                                      Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// Keys of 0, 20, 64, 65 and 131 bytes (`i * 7 % 256`); digests from Python's hmac.
    @Test(arguments: [
            (0, "63ff79329514498b6009c0c18ffdd5b4c286b3d6d96c05b58909c8209ab48408"),
            (20, "3cf2d35b1ebb57304be5056765f812707a92e641e3518ff1b584eac15731f872"),
            (64, "cd1c6d0e390a2676a888b40ac160eb99dd802aba61a4c1f17b2acf7c90f9f381"),
            (65, "5de493f8a3f9ee9a95b3ca7a7b1e27a060d16bda958237b733be183f69dd834f"),
            (131, "544603e64cdb5a98e08e70d5aadefb2551dcf8e5d75854e1db7adf9c36c69e48"),
        ] as [(Int, String)])
    func hmacMatchesPython(keyLength: Int, digest: String) {
        let key = (0..<keyLength).map { UInt8($0 * 7 % 256) }
        #expect(Digests.hmacSHA256Hex(key: key, Array("octobus secret digest".utf8)) == digest)
    }

    @Test func randomBytesDiffer() {
        let first = Digests.randomBytes(32), second = Digests.randomBytes(32)
        #expect(first.count == 32 && second.count == 32 && first != second)
    }
}
