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

/// Build metadata, re-exported for the CLI.
enum BuildStamp {
    static var version: String { BuildInfo.version }
    static var commit: String { BuildInfo.commit }
    static var date: String { BuildInfo.date }
}
