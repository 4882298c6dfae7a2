import { UsageError } from "../errors/usage-error.js";

export const RUNTIME_COMMANDS = ["serve", "invoke", "dev", "inspect", "cli", "client-stub", "client-package"];

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

// `--flag value` and `--flag=value`; boolean flags take no value. Unknown
// flags, missing values and repeated flags are errors naming the command.
export function parseFlags(argv, spec, command) {
  const values = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--") || arg === "--") {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} for ${command}`);
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const type = spec[name];
    if (!type) {
      const known = Object.keys(spec).map((f) => `--${f}`).join(", ");
      throw new UsageError(`unknown option --${name} for ${command} (known: ${known})`);
    }
    const key = camel(name);
    if (Object.hasOwn(values, key)) throw new UsageError(`--${name} is given more than once`);
    if (type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      values[key] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} requires a value`);
      i++;
    }
    values[key] = value;
  }
  return values;
}

export function exclusive(values, names) {
  const given = names.filter((n) => values[camel(n)] !== undefined);
  if (given.length > 1) {
    throw new UsageError(`${given.map((n) => `--${n}`).join(" and ")} are mutually exclusive`);
  }
}

export function parsePort(raw, flag = "--port") {
  const text = String(raw).trim();
  const port = Number(text);
  if (text === "" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} must be an integer from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

const SERVER_FLAGS = {
  host: "string",
  port: "string",
  config: "string",
  "config-json": "string",
  secret: "string",
  "secret-json": "string",
  "secret-fd": "string",
  workdir: "string",
  service: "string",
  instance: "string",
};

const INVOKE_FLAGS = {
  method: "string",
  config: "string",
  secret: "string",
  "secret-fd": "string",
  metadata: "string",
  workdir: "string",
  service: "string",
  instance: "string",
};

const INSPECT_FLAGS = {
  json: "boolean",
  yaml: "boolean",
  "config-schema": "boolean",
  "secret-schema": "boolean",
  handlers: "boolean",
};

function serverCommand(command, argv) {
  const flags = parseFlags(argv, SERVER_FLAGS, command);
  exclusive(flags, ["config", "config-json"]);
  exclusive(flags, ["secret", "secret-json", "secret-fd"]);
  if (command === "serve") {
    if (flags.host === undefined) throw new UsageError("serve requires --host");
    if (flags.port === undefined) throw new UsageError("serve requires --port");
    if (flags.config === undefined && flags.configJson === undefined) {
      throw new UsageError("serve requires --config or --config-json");
    }
  }
  return {
    command,
    ...flags,
    host: flags.host ?? "127.0.0.1",
    port: parsePort(flags.port ?? "50051"),
  };
}

function invokeCommand(argv) {
  const flags = parseFlags(argv, INVOKE_FLAGS, "invoke");
  exclusive(flags, ["secret", "secret-fd"]);
  for (const required of ["method", "config", "metadata", "workdir"]) {
    if (flags[required] === undefined) throw new UsageError(`invoke requires --${required}`);
  }
  return { command: "invoke", ...flags };
}

function inspectCommand(argv) {
  const flags = parseFlags(argv, INSPECT_FLAGS, "inspect");
  exclusive(flags, ["json", "yaml"]);
  exclusive(flags, ["config-schema", "secret-schema", "handlers"]);
  return {
    command: "inspect",
    format: flags.yaml ? "yaml" : "json",
    schema: flags.configSchema ? "config" : flags.secretSchema ? "secret" : undefined,
    handlers: flags.handlers === true,
  };
}

export const RUNTIME_USAGE = `Usage: <entry> --runtime <command> [options]

Commands:
  serve   --host H --port P (--config FILE | --config-json JSON)
          [--secret FILE | --secret-json JSON | --secret-fd N] [--workdir DIR] [--service ID] [--instance ID]
  invoke  --method pkg.Svc/Method --config FILE --metadata FILE --workdir DIR
          [--secret FILE | --secret-fd N] [--service ID] [--instance ID]
          request protobuf bytes on stdin, response bytes on stdout
  dev     like serve; --host defaults to 127.0.0.1, --port to 50051, config optional;
          OCTOBUS_SERVICE_CONTEXT applies
  inspect [--json | --yaml] [--config-schema | --secret-schema | --handlers]
  cli     <command> [options]   the business CLI (same as running without --runtime)
  client-stub    [--transport connect|grpc] [--base-url URL] [--factory NAME] [--out FILE]
  client-package [--transport connect|grpc] [--base-url URL] [--factory NAME] --out DIR [--name N] [--force]
          a dependency-free client for the package's services (see the SDK README)
`;

// argv after "--runtime": `<command> [flags…]`.
export function parseRuntimeArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    return { command: "help" };
  }
  switch (command) {
    case "serve":
    case "dev":
      return serverCommand(command, rest);
    case "invoke":
      return invokeCommand(rest);
    case "inspect":
      return inspectCommand(rest);
    case "cli":
      return { command: "cli", args: rest };
    case "client-stub":
    case "client-package":
      return { command, args: rest };
    default:
      throw new UsageError(`unknown runtime command ${JSON.stringify(command)}; expected one of ${RUNTIME_COMMANDS.join(", ")}`);
  }
}
