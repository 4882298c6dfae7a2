import ArgumentParser
import Runtime

/// Where a new token's plaintext comes from (SPEC §7): exactly one of `--token`,
/// `--token-file PATH|-` or `--token-stdin`; trimmed and non-empty. Prefer the file or
/// stdin forms: `--token` is visible in the process list and shell history.
struct TokenInput: ParsableArguments {
    @Option(help: "The token (visible in the process list; prefer --token-file or --token-stdin).")
    var token: String?
    @Option(name: .customLong("token-file"), help: ArgumentHelp("Read the token from a file, or - for stdin.", valueName: "path"))
    var tokenFile: String?
    @Flag(name: .customLong("token-stdin"), help: "Read the token from stdin.")
    var tokenStdin = false

    func read() throws -> String {
        let given = [token != nil, tokenFile != nil, tokenStdin].filter { $0 }.count
        guard given == 1 else {
            throw CLIError(given == 0 ? "one of --token, --token-file or --token-stdin is required"
                                      : "--token, --token-file and --token-stdin are mutually exclusive")
        }
        let raw: String
        if let token {
            raw = token
        } else if tokenStdin || tokenFile == "-" {
            raw = String(decoding: StandardInput.readAll(), as: UTF8.self)
        } else {
            let path = tokenFile!
            do {
                raw = String(decoding: try FileSystem.readFile(path, limit: 64 * 1024), as: UTF8.self)
            } catch {
                throw CLIError("read --token-file \(path): \(error)")
            }
        }
        let trimmed = raw.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { throw CLIError("token is empty") }
        return trimmed
    }
}
