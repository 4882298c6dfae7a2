import ArgumentParser
import Protocols

struct CapsetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capset",
        abstract: "Group instances' methods into capsets, the units clients and agents call through the gateway.",
        subcommands: [CapsetCreate.self, CapsetList.self, CapsetGet.self, CapsetUpdate.self, CapsetDelete.self,
                      CapsetAddInstance.self, CapsetRemoveInstance.self, CapsetListInstances.self,
                      CapsetSelectMethod.self, CapsetUnselectMethod.self, CapsetListMethods.self,
                      CapsetAddToken.self, CapsetListTokens.self, CapsetRemoveToken.self])
}

struct CapsetCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an (enabled) capset.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var id: String?
    @Option(help: "Display name (default: the id).") var name: String?
    @Option(help: "Description.") var description: String?
    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "capset")
            var body: JSONObject = ["id": .string(id), "name": .string(name ?? id)]
            if let description { body["description"] = .string(description) }
            return try client.callJSON("POST", "/capsets", json: .object(body))
        }
    }
}

struct CapsetList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List capsets.")
    @OptionGroup var global: GlobalOptions
    func run() throws { try CLIRun.json(global) { try $0.callJSON("GET", "/capsets") } }
}

struct CapsetGet: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Show one capset.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var id: String?
    func run() throws { try CLIRun.json(global) { try $0.callJSON("GET", "/capsets/" + (try CLIRun.required(id, "capset"))) } }
}

struct CapsetUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a capset's name, description or enabled flag.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var id: String?
    @Option(help: "New display name.") var name: String?
    @Option(help: "New description.") var description: String?
    @Option(help: ArgumentHelp("Enable or disable the capset.", valueName: "true|false")) var enabled: Bool?
    func run() throws {
        try CLIRun.json(global) { client in
            let id = try CLIRun.required(id, "capset")
            var body = JSONObject()
            if let name { body["name"] = .string(name) }
            if let description { body["description"] = .string(description) }
            if let enabled { body["enabled"] = .bool(enabled) }
            guard !body.isEmpty else { throw CLIError("one of --name, --description or --enabled is required") }
            return try client.callJSON("PATCH", "/capsets/" + id, json: .object(body))
        }
    }
}

struct CapsetDelete: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a capset with its bindings and tokens.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var id: String?
    func run() throws { try CLIRun.json(global) { try $0.callJSON("DELETE", "/capsets/" + (try CLIRun.required(id, "capset"))) } }
}

struct CapsetAddInstance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-instance", abstract: "Bind an instance into a capset, with every method it has now unless --no-all-methods.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Instance id.") var instance: String?
    @Flag(name: .customLong("no-all-methods"), help: "Bind no methods yet (select them with select-method).") var noAllMethods = false
    func run() throws {
        try CLIRun.json(global) { client in
            let capset = try CLIRun.required(capset, "capset")
            let instance = try CLIRun.required(instance, "instance")
            return try client.callJSON("POST", "/capsets/\(capset)/instances", json: .object([
                "instance_id": .string(instance), "all_methods": .bool(!noAllMethods), "no_all_methods": .bool(noAllMethods),
            ]))
        }
    }
}

struct CapsetRemoveInstance: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove-instance", abstract: "Unbind an instance (and its methods).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Instance id.") var instance: String?
    func run() throws {
        try CLIRun.json(global) { client in
            try client.callJSON("DELETE", "/capsets/\(try CLIRun.required(capset, "capset"))/instances/\(try CLIRun.required(instance, "instance"))")
        }
    }
}

struct CapsetListInstances: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-instances", abstract: "List a capset's instance bindings.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("GET", "/capsets/\(try CLIRun.required(capset, "capset"))/instances") }
    }
}

struct CapsetSelectMethod: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select-method", abstract: "Expose one method of a bound instance (METHOD as pkg.Svc/Method).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Instance id.") var instance: String?
    @Argument(help: "Method full name, pkg.Svc/Method.") var method: String?
    @Option(name: .customLong("mcp-tool"), help: "MCP tool name (default: <service>__<instance>__<method_in_snake_case>).") var mcpTool: String?
    func run() throws {
        try CLIRun.json(global) { client in
            let capset = try CLIRun.required(capset, "capset")
            var body: JSONObject = ["instance_id": .string(try CLIRun.required(instance, "instance")),
                                    "method": .string(try CLIRun.required(method, "method"))]
            if let mcpTool { body["mcp_tool"] = .string(mcpTool) }
            return try client.callJSON("POST", "/capsets/\(capset)/methods", json: .object(body))
        }
    }
}

struct CapsetUnselectMethod: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unselect-method", abstract: "Stop exposing one method.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Instance id.") var instance: String?
    @Argument(help: "Method full name, pkg.Svc/Method.") var method: String?
    func run() throws {
        try CLIRun.json(global) { client in
            let capset = try CLIRun.required(capset, "capset")
            return try client.callJSON("DELETE", "/capsets/\(capset)/methods", query: [
                ("instance_id", try CLIRun.required(instance, "instance")), ("method", try CLIRun.required(method, "method")),
            ])
        }
    }
}

struct CapsetListMethods: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-methods", abstract: "List a capset's exposed methods.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("GET", "/capsets/\(try CLIRun.required(capset, "capset"))/methods") }
    }
}

struct CapsetAddToken: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-token", abstract: "Add a capset token: once one exists, calls through the capset need one.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Token id.") var id: String?
    @Option(help: "Display name (default: the id).") var name: String?
    @OptionGroup var input: TokenInput
    func run() throws {
        try CLIRun.json(global) { client in
            let capset = try CLIRun.required(capset, "capset")
            let id = try CLIRun.required(id, "capset token")
            var body: JSONObject = ["id": .string(id), "token": .string(try input.read())]
            if let name { body["name"] = .string(name) }
            return try client.callJSON("POST", "/capsets/\(capset)/tokens", json: .object(body))
        }
    }
}

struct CapsetListTokens: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-tokens", abstract: "List a capset's tokens (hashes redacted).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    func run() throws {
        try CLIRun.json(global) { try $0.callJSON("GET", "/capsets/\(try CLIRun.required(capset, "capset"))/tokens") }
    }
}

struct CapsetRemoveToken: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove-token", abstract: "Delete a capset token.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Argument(help: "Token id.") var id: String?
    func run() throws {
        try CLIRun.json(global) { client in
            try client.callJSON("DELETE", "/capsets/\(try CLIRun.required(capset, "capset"))/tokens/\(try CLIRun.required(id, "capset token"))")
        }
    }
}
