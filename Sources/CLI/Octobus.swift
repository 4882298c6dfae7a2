import ArgumentParser

@main
struct Octobus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "octobus",
        abstract: "OctoBus: a local gateway that runs Node.js service packages and exposes their gRPC methods.",
        discussion: """
        Start the daemon with `octobus serve`; every other command talks to it through the admin API \
        at --addr (default $OCTOBUS_ADDR or 127.0.0.1:9000).
        """,
        subcommands: [ServeCommand.self, StatusCommand.self, VersionCommand.self, ServiceCommand.self, InstanceCommand.self, BenchCommand.self,
                      AdminTokenCommand.self, CapsetCommand.self, CatalogCommand.self, LogsCommand.self])

    @OptionGroup var global: GlobalOptions
}
