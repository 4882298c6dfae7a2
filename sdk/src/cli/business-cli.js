import { GrpcError, toStatus } from "../errors/grpc-error.js";
import { UsageError } from "../errors/usage-error.js";
import { createHandlerContext } from "../handlers/context.js";
import { callHandler } from "../handlers/handler-style.js";
import { encodeResponse } from "../handlers/message-codec.js";
import { Metadata } from "../metadata.js";
import { loadServicePackage } from "../package/load-package.js";
import { decodeMessage } from "../protobuf/decode.js";
import { fromJson } from "../protobuf/json/from-json.js";
import { toJson } from "../protobuf/json/to-json.js";
import { parseFlags, exclusive } from "../runtime/args.js";
import { SERVICE_CONTEXT_ENV, applyServiceContext } from "../runtime/service-context.js";
import { parseJsonText, readJsonSource, readMetadataFile } from "../runtime/sources.js";
import { findHandler } from "../service.js";
import { INVALID_ARGUMENT } from "../status.js";
import { statusName } from "../status-names.js";

// The business CLI (SPEC §11.6): every unary method that has a handler becomes
// a command, so a package is usable from a shell without the daemon.

const COMMAND_FLAGS = {
  data: "string",
  "data-json": "string",
  config: "string",
  "config-json": "string",
  secret: "string",
  "secret-json": "string",
  metadata: "string",
  help: "boolean",
};

const SERVICE_CONTEXT_DESCRIPTION =
  "JSON object with optional config and secret fields. Also read from .env in the current directory.";

// "EchoContract" → "echo-contract" (the upstream rule: a boundary before each
// upper-case letter that follows a lower-case letter or digit).
export function kebabCase(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/[_\s.]+/g, "-")
    .toLowerCase();
}

function commandSettings(manifest, fullName) {
  const commands = manifest.sdk?.cli?.commands;
  if (!commands || typeof commands !== "object") return {};
  return commands[fullName] ?? commands[`/${fullName}`] ?? {};
}

function validExamples(value) {
  if (!Array.isArray(value)) return undefined;
  const examples = value
    .filter((item) => item && Array.isArray(item.argv) && item.argv.every((a) => typeof a === "string"))
    .map((item) => (typeof item.description === "string" ? { argv: [...item.argv], description: item.description } : { argv: [...item.argv] }));
  return examples.length > 0 ? examples : undefined;
}

// Commands sorted by name; two methods mapping to one name is an error.
export function buildCommands({ registry, manifest, service }) {
  const commands = [];
  const byName = new Map();
  for (const svc of registry.services) {
    for (const method of svc.methods) {
      if (method.methodKind !== "unary" || !findHandler(service, method.fullName)) continue;
      const settings = commandSettings(manifest, method.fullName);
      const name = (typeof settings.name === "string" && settings.name.trim()) || kebabCase(method.name);
      if (byName.has(name)) {
        throw new UsageError(`service CLI command ${name} maps to both ${byName.get(name)} and ${method.fullName}`);
      }
      byName.set(name, method.fullName);
      commands.push({
        name,
        method,
        description: typeof settings.description === "string" ? settings.description : "",
        examples: validExamples(settings.examples),
      });
    }
  }
  return commands.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function renderUsage(serviceName, commands) {
  const lines = [`Usage: ${serviceName} cli <command> [options]`, "", "Commands:"];
  if (commands.length === 0) {
    lines.push("  (no unary methods with handlers)");
  } else {
    const width = Math.max(...commands.map((c) => c.name.length));
    for (const c of commands) lines.push(`  ${c.name.padEnd(width)}  ${c.description || c.method.fullName}`);
  }
  lines.push(
    "",
    "Options:",
    "  --data <file>          request JSON file, or - for stdin",
    "  --data-json <json>     inline request JSON (ProtoJSON)",
    "  --config <file>        config JSON file",
    "  --config-json <json>   inline config JSON",
    "  --secret <file>        secret JSON file",
    "  --secret-json <json>   inline secret JSON",
    "  --metadata <file>      metadata JSON file",
    "  --help                 print the command's JSON contract",
    "",
    "Environment:",
    `  ${SERVICE_CONTEXT_ENV}  ${SERVICE_CONTEXT_DESCRIPTION}`,
    "    Example: {\"config\":{},\"secret\":{}}. Present fields override --config* and --secret*.",
    "",
  );
  return lines.join("\n");
}

// The JSON Schema builder is loaded only for `<command> --help`.
export async function commandContract(command) {
  const { messageJsonSchema } = await import("../protobuf/json-schema.js");
  return {
    command: command.name,
    method: command.method.fullName,
    description: command.description,
    input: messageJsonSchema(command.method.input),
    output: messageJsonSchema(command.method.output),
    examples: command.examples ?? [{ argv: [command.name, "--data-json", "{}"] }],
    environment: {
      [SERVICE_CONTEXT_ENV]: {
        description: SERVICE_CONTEXT_DESCRIPTION,
        shape: { config: {}, secret: {} },
        precedence: "environment value overrides matching --config* and --secret* CLI options",
      },
    },
  };
}

async function readStdinText(stdin) {
  const chunks = [];
  for await (const chunk of stdin ?? process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

async function readRequestJson(flags, cwd, stdin) {
  if (flags.dataJson !== undefined) return parseJsonText(flags.dataJson, "--data-json");
  if (flags.data === "-") return parseJsonText(await readStdinText(stdin), "--data (stdin)");
  if (flags.data !== undefined) return readJsonSource({ file: flags.data, workdir: cwd, label: "data" });
  return {};
}

async function runCommand(command, flags, { service, pkg, env, cwd, stdin, stdout }) {
  const { config, secret } = applyServiceContext({
    config: readJsonSource({ file: flags.config, json: flags.configJson, workdir: cwd, label: "config" }),
    secret: readJsonSource({ file: flags.secret, json: flags.secretJson, workdir: cwd, label: "secret" }),
    env,
    cwd,
  });
  const metadata = flags.metadata !== undefined ? readMetadataFile(flags.metadata, cwd) : new Metadata();
  const json = await readRequestJson(flags, cwd, stdin);
  let request;
  try {
    // With the proto-name aliases a request decoded from the wire has, so a
    // handler reads the same names under the CLI and the daemon.
    request = fromJson(command.method.input, json, { protoNameAliases: true });
  } catch (error) {
    throw new GrpcError(INVALID_ARGUMENT, `invalid request for ${command.method.fullName}: ${error.message}`);
  }
  const runtime = { config, secret, serviceId: "", instanceId: "", workdir: cwd, packageDir: pkg.packageDir };
  const handler = findHandler(service, command.method.fullName);
  const response = await callHandler(handler, createHandlerContext({ method: command.method.fullName, metadata, runtime, request }));
  // Through the wire bytes and back, so the CLI prints exactly what a gRPC
  // client of the same handler would receive.
  const message = decodeMessage(command.method.output, await encodeResponse(command.method, response));
  stdout.write(`${JSON.stringify(toJson(command.method.output, message), null, 2)}\n`);
}

// Returns the exit code; errors are printed as `<NAME>: <message>`.
export async function runBusinessCli({ service, args, env, cwd, entryFile, stdin, stdout, stderr }) {
  try {
    const pkg = await loadServicePackage({ env, cwd, entryFile });
    const commands = buildCommands({ registry: pkg.registry, manifest: pkg.manifest, service });
    const [name, ...rest] = args;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      stdout.write(renderUsage(pkg.manifest.name, commands));
      return 0;
    }
    const command = commands.find((c) => c.name === name);
    if (!command) {
      const known = commands.map((c) => c.name).join(", ") || "none";
      throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${known}); run with --help for usage`);
    }
    const flags = parseFlags(rest.map((a) => (a === "-h" ? "--help" : a)), COMMAND_FLAGS, name);
    if (flags.help) {
      stdout.write(`${JSON.stringify(await commandContract(command), null, 2)}\n`);
      return 0;
    }
    exclusive(flags, ["data", "data-json"]);
    exclusive(flags, ["config", "config-json"]);
    exclusive(flags, ["secret", "secret-json"]);
    await runCommand(command, flags, { service, pkg, env, cwd, stdin, stdout });
    return 0;
  } catch (error) {
    const { code, message } = error instanceof UsageError ? { code: error.code, message: error.message } : toStatus(error);
    stderr.write(`${statusName(code)}: ${message}\n`);
    return 1;
  }
}
