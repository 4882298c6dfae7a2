import ArgumentParser

/// Options every command accepts, before or after the command name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Daemon address: host:port, http://host:port or https://host:port (default: $OCTOBUS_ADDR or 127.0.0.1:9000).",
        valueName: "addr"))
    var addr: String?
}
