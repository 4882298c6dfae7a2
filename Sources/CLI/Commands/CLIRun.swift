import Actors
import ArgumentParser
import Protocols

/// Runs a command body against the admin API with uniform error handling:
/// failures print their message on stderr and exit 1.
enum CLIRun {
    /// The `--addr` given to the root command, applied when a subcommand has none.
    nonisolated(unsafe) static var rootAddress: String?

    static func client(_ global: GlobalOptions) throws -> AdminClient {
        do {
            return try AdminClient(addressOption: global.addr ?? rootAddress)
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }

    static func json(_ global: GlobalOptions, _ body: (AdminClient) throws -> JSONValue) throws {
        let client = try client(global)
        do {
            Output.printJSON(try body(client))
        } catch let error as ExitCode {
            throw error
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }
}

extension CLIRun {
    /// `<kind> id is required` when a positional id is missing.
    static func required(_ value: String?, _ kind: String) throws -> String {
        guard let value, !value.isEmpty else { throw CLIError("\(kind) id is required") }
        return value
    }

    /// POST /instances/{id}/{action} with an empty body.
    static func action(_ global: GlobalOptions, id: String?, _ action: String) throws {
        try json(global) { client in
            try client.callJSON("POST", "/instances/\(try required(id, "instance"))/\(action)", json: .object([:]))
        }
    }
}

/// Build metadata, re-exported for the CLI.
enum BuildStamp {
    static var version: String { BuildInfo.version }
    static var commit: String { BuildInfo.commit }
    static var date: String { BuildInfo.date }
}
