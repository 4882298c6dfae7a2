import Glibc
import Protocols
import Runtime

/// `--config PATH|-` / `--config-json JSON` (and the same for secrets): exclusive, inline
/// must be JSON, `-` reads stdin (only one of config and secret may use it).
struct JSONInput {
    let kind: String
    let path: String?
    let inline: String?

    var isGiven: Bool { path != nil || inline != nil }

    func read() throws(CLIError) -> JSONValue? {
        if path != nil && inline != nil {
            throw CLIError("--\(kind) and --\(kind)-json are mutually exclusive")
        }
        if let inline {
            do {
                return try JSONParser.parse(inline)
            } catch {
                throw CLIError("--\(kind)-json is not valid JSON: \(error)")
            }
        }
        guard let path else { return nil }
        let bytes: [UInt8]
        if path == "-" {
            bytes = StandardInput.readAll()
        } else {
            do {
                bytes = try FileSystem.readFile(path, limit: 16 << 20)
            } catch {
                throw CLIError("read --\(kind) \(path): \(error)")
            }
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw CLIError("--\(kind) \(path == "-" ? "(stdin)" : path) is not valid JSON: \(error)")
        }
    }

    static func checkStdinUse(_ inputs: [JSONInput]) throws(CLIError) {
        if inputs.filter({ $0.path == "-" }).count > 1 {
            throw CLIError("only one of --config and --secret can read stdin (-)")
        }
    }
}

enum StandardInput {
    static func readAll() -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
            result += buffer[0..<n]
        }
        return result
    }
}
