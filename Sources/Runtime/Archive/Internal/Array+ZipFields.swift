/// Little-endian integer fields of zip records.
extension Array where Element == UInt8 {
    func zipUInt16(at offset: Int) -> Int {
        Int(self[offset]) | Int(self[offset + 1]) << 8
    }

    func zipUInt32(at offset: Int) -> Int {
        zipUInt16(at: offset) | zipUInt16(at: offset + 2) << 16
    }

    /// Nil when the value does not fit in a (non-negative) `Int`.
    func zipUInt64(at offset: Int) -> Int? {
        let high = zipUInt32(at: offset + 4)
        guard high <= Int.max >> 32 else { return nil }
        return zipUInt32(at: offset) | high << 32
    }

    func hasZipSignature(_ signature: UInt32, at offset: Int) -> Bool {
        offset + 4 <= count && zipUInt32(at: offset) == Int(signature)
    }
}
