import ArgumentParser
import Protocols

struct AdminTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin-token",
        abstract: "Manage admin tokens: once one exists, every admin request (except status) needs one.",
        discussion: """
        The CLI sends the token from $OCTOBUS_ADMIN_TOKEN, OCTOBUS_ADMIN_TOKEN= in ./.env, or admin_token in \
        ./.octobus.yml. Only the token's SHA-256 is stored; it is never shown again.
        """,
        subcommands: [AdminTokenAdd.self, AdminTokenList.self, AdminTokenGet.self, AdminTokenDelete.self, AdminTokenRemove.self])
}

struct AdminTokenAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an admin token.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Token id.") var id: String?
    @Option(help: "Display name (default: the id).") var name: String?
    @OptionGroup var input: TokenInput

    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "admin token")
            var body: JSONObject = ["id": .string(id), "token": .string(try input.read())]
            if let name { body["name"] = .string(name) }
            return try client.callJSON("POST", "/tokens", json: .object(body))
        }
    }
}

struct AdminTokenList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List admin tokens (hashes redacted).")
    @OptionGroup var global: GlobalOptions
    func run() throws { try CLIRun.json(global) { try $0.callJSON("GET", "/tokens") } }
}

struct AdminTokenGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one admin token.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Token id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("GET", "/tokens/" + (try CLIRun.required(id, "admin token"))) }
    }
}

struct AdminTokenDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an admin token.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Token id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("DELETE", "/tokens/" + (try CLIRun.required(id, "admin token"))) }
    }
}

/// `remove` is `delete` under the name `capset remove-token` uses.
struct AdminTokenRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Delete an admin token (same as delete).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Token id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("DELETE", "/tokens/" + (try CLIRun.required(id, "admin token"))) }
    }
}
