/// Reads `grpc-status` out of borrowed header fields without making strings.
enum GRPCStatusField {
    private static let name: StaticString = "grpc-status"

    /// The status value if `name` is `grpc-status` (nil for any other field or a value that
    /// is not a small decimal number).
    @inline(__always)
    static func status(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Int? {
        let expected = Self.name
        guard name.count == expected.utf8CodeUnitCount,
              memcmpEqual(name, expected.utf8Start, expected.utf8CodeUnitCount) else { return nil }
        guard !value.isEmpty, value.count <= 3 else { return nil }
        var result = 0
        for byte in value {
            guard byte >= 48 && byte <= 57 else { return nil }
            result = result * 10 + Int(byte - 48)
        }
        return result
    }

    @inline(__always)
    private static func memcmpEqual(_ bytes: UnsafeRawBufferPointer, _ other: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0..<count where bytes[index] != other[index] { return false }
        return true
    }
}
