import ArgumentParser
import Protocols

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Show what a capset exposes: methods, tools and endpoints per protocol (JSON or Markdown).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Capset id.") var capset: String?
    @Flag(help: "List gRPC methods (the default when no protocol is chosen).") var grpc = false
    @Flag(help: "List MCP tools.") var mcp = false
    @Flag(help: "List Connect RPC endpoints.") var connect = false
    @Flag(help: "List every protocol.") var all = false
    @Flag(help: "Print JSON (default).") var json = false
    @Flag(help: "Print Markdown.") var md = false
    @Flag(name: .customLong("openapi-json"), help: "Print the capset's OpenAPI 3.1 document as JSON.") var openAPIJSON = false
    @Flag(name: .customLong("openapi-yaml"), help: "Print the capset's OpenAPI 3.1 document as YAML.") var openAPIYAML = false

    func run() throws {
        let client = try CLIRun.client(global)
        do {
            let capset = try CLIRun.required(capset, "capset")
            if all && (grpc || mcp || connect) { throw CLIError("--all cannot be combined with --grpc, --mcp or --connect") }
            if [json, md, openAPIJSON, openAPIYAML].filter({ $0 }).count > 1 {
                throw CLIError("--json, --md, --openapi-json and --openapi-yaml are mutually exclusive")
            }
            if openAPIJSON || openAPIYAML {
                if all || grpc || mcp || connect { throw CLIError("--openapi-json and --openapi-yaml cannot be combined with protocol selectors") }
                let document = openAPIJSON ? "openapi.json" : "openapi.yaml"
                Output.writeStdout(bytes: try client.call("GET", "/catalog/\(capset)/\(document)").body)
                return
            }
            var query: [(String, String)] = []
            if all { query.append(("all", "true")) }
            if grpc { query.append(("grpc", "true")) }
            if mcp { query.append(("mcp", "true")) }
            if connect { query.append(("connect", "true")) }
            if md {
                query.append(("format", "md"))
                Output.writeStdout(bytes: try client.call("GET", "/catalog/\(capset)", query: query).body)
            } else {
                Output.printJSON(try client.callJSON("GET", "/catalog/\(capset)", query: query))
            }
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }
}

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the access log (one JSON line per public request); -f keeps printing new lines.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this capset.") var capset: String?
    @Option(help: "Only this instance.") var instance: String?
    @Option(help: "Only this service.") var service: String?
    @Option(help: "The first N matching lines (default 200; 0 = all).") var limit: Int?
    @Option(help: "The last N matching lines.") var tail: Int?
    @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines (starts with the last 200 unless --tail).") var follow = false

    func run() throws {
        let client = try CLIRun.client(global)
        do {
            if let limit, limit < 0 { throw CLIError("--limit must be 0 or more") }
            if let tail, tail < 0 { throw CLIError("--tail must be 0 or more") }
            if limit != nil && (tail != nil || follow) { throw CLIError("--limit cannot be combined with --tail or --follow") }
            var query: [(String, String)] = []
            if let capset { query.append(("capset", capset)) }
            if let instance { query.append(("instance", instance)) }
            if let service { query.append(("service", service)) }
            if let limit { query.append(("limit", String(limit))) }
            if let tail { query.append(("tail", String(tail))) }
            if follow {
                query.append(("follow", "true"))
                _ = try client.call("GET", "/logs/access", query: query, timeoutSeconds: 0) { line in
                    Output.writeStdout(line + "\n")
                }
            } else {
                Output.writeStdout(bytes: try client.call("GET", "/logs/access", query: query).body)
            }
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
    }
}
