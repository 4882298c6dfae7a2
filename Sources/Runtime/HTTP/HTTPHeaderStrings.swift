import Glibc

/// Header names and values that arrive on almost every gRPC request and response, kept as
/// string literals: a field whose bytes equal one of them reuses the literal (immortal: it is
/// never allocated or reference-counted) instead of allocating a new string — these are all
/// longer than the 15 bytes Swift stores inline. A proxied call carries several each way.
enum HTTPHeaderStrings {
    /// Candidates by length (index = byte count), compared with memcmp.
    private static let byLength: [[String]] = {
        let common: [String] = [
            "application/grpc", "application/grpc+proto", "application/json", "grpc-accept-encoding",
            "identity,deflate,gzip", "identity,gzip,deflate", "x-octobus-capset", "x-octobus-instance",
        ]
        var table = [[String]](repeating: [], count: 32)
        for literal in common where literal.utf8.count < 32 { table[literal.utf8.count].append(literal) }
        return table
    }()

    /// The string of `bytes`: a shared literal when it is a common one, else a new string.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let count = bytes.count
        if count > 15, count < byLength.count, let base = bytes.baseAddress {
            for literal in byLength[count] {
                let equal = literal.utf8.withContiguousStorageIfAvailable { memcmp($0.baseAddress!, base, count) == 0 } ?? false
                if equal { return literal }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
