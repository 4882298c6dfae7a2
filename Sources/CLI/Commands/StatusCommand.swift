import ArgumentParser

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the daemon is running and how many services it has.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try CLIRun.json(global) { client in try client.callJSON("GET", "/status") }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the version, commit and build date of this binary.")

    func run() {
        Output.writeStdout("version: \(BuildStamp.version)\ncommit: \(BuildStamp.commit)\ndate: \(BuildStamp.date)\n")
    }
}
