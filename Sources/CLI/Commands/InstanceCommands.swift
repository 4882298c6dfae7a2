import ArgumentParser
import Protocols

struct InstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Create and control instances of services.",
        subcommands: [InstanceCreate.self, InstanceList.self, InstanceGet.self, InstanceUpdate.self, InstanceDelete.self,
                      InstanceUpdateConfig.self, InstanceUpdateSecret.self, InstanceStart.self, InstanceStop.self, InstanceRestart.self])
}

struct InstanceCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an instance (long-running instances start unless --no-start).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    @Option(help: "Service id.") var service: String?
    @Option(help: "Display name (default: the id).") var name: String?
    @Option(help: ArgumentHelp("Config JSON file, or - for stdin.", valueName: "path")) var config: String?
    @Option(name: .customLong("config-json"), help: "Config as inline JSON.") var configJSON: String?
    @Option(help: ArgumentHelp("Secret JSON file, or - for stdin.", valueName: "path")) var secret: String?
    @Option(name: .customLong("secret-json"), help: "Secret as inline JSON.") var secretJSON: String?
    @Flag(name: .customLong("no-start"), help: "Create without starting.") var noStart = false

    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "instance")
            guard let service, !service.isEmpty else { throw CLIError("--service is required") }
            let configInput = JSONInput(kind: "config", path: config, inline: configJSON)
            let secretInput = JSONInput(kind: "secret", path: secret, inline: secretJSON)
            try JSONInput.checkStdinUse([configInput, secretInput])
            var body: JSONObject = ["id": .string(id), "service_id": .string(service), "start": .bool(!noStart)]
            if let name { body["name"] = .string(name) }
            if let value = try configInput.read() { body["config"] = value }
            if let value = try secretInput.read() { body["secret"] = value }
            return try client.callJSON("POST", "/instances", json: .object(body))
        }
    }
}

struct InstanceList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List instances.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try CLIRun.json(global) { try $0.callJSON("GET", "/instances") } }
}

struct InstanceGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one instance (the secret is never shown).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("GET", "/instances/" + (try CLIRun.required(id, "instance"))) }
    }
}

struct InstanceUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Rename an instance.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    @Option(help: "New display name.") var name: String?
    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "instance")
            guard let name, !name.isEmpty else { throw CLIError("--name is required") }
            return try client.callJSON("PATCH", "/instances/" + id, json: .object(["name": .string(name)]))
        }
    }
}

struct InstanceDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Stop and delete an instance.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("DELETE", "/instances/" + (try CLIRun.required(id, "instance"))) }
    }
}

/// `update-config` and `update-secret` share their shape.
struct InstanceValueUpdate {
    static func run(global: GlobalOptions, id: String?, kind: String, path: String?, inline: String?, restart: Bool) throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "instance")
            let input = JSONInput(kind: kind, path: path, inline: inline)
            guard input.isGiven else { throw CLIError("one of --\(kind) or --\(kind)-json is required") }
            guard let value = try input.read() else { throw CLIError("one of --\(kind) or --\(kind)-json is required") }
            return try client.callJSON("POST", "/instances/\(id)/\(kind)", json: .object([kind: value, "restart": .bool(restart)]))
        }
    }
}

struct InstanceUpdateConfig: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update-config", abstract: "Replace an instance's config (validated against the service's schema).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    @Option(help: ArgumentHelp("Config JSON file, or - for stdin.", valueName: "path")) var config: String?
    @Option(name: .customLong("config-json"), help: "Config as inline JSON.") var configJSON: String?
    @Flag(help: "Restart the instance to apply it.") var restart = false
    func run() throws {
        try InstanceValueUpdate.run(global: global, id: id, kind: "config", path: config, inline: configJSON, restart: restart)
    }
}

struct InstanceUpdateSecret: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update-secret", abstract: "Replace an instance's secret (stored only in the database, never shown).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    @Option(help: ArgumentHelp("Secret JSON file, or - for stdin.", valueName: "path")) var secret: String?
    @Option(name: .customLong("secret-json"), help: "Secret as inline JSON.") var secretJSON: String?
    @Flag(help: "Restart the instance to apply it.") var restart = false
    func run() throws {
        try InstanceValueUpdate.run(global: global, id: id, kind: "secret", path: secret, inline: secretJSON, restart: restart)
    }
}

struct InstanceStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start an instance and wait until it is healthy.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    func run() throws { try CLIRun.action(global, id: id, "start") }
}

struct InstanceStop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop", abstract: "Stop an instance (SIGINT, then SIGKILL after 2 s).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    func run() throws { try CLIRun.action(global, id: id, "stop") }
}

struct InstanceRestart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restart", abstract: "Restart an instance.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Instance id.") var id: String?
    func run() throws { try CLIRun.action(global, id: id, "restart") }
}
