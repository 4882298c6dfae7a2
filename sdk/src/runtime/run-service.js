import { ExitError } from "../errors/exit-error.js";
import { UsageError } from "../errors/usage-error.js";
import { findPackageDir } from "../package/package-root.js";
import { INTERNAL } from "../status.js";
import { statusName } from "../status-names.js";
import { RUNTIME_USAGE, parseRuntimeArgs } from "./args.js";
import { writeToFd } from "./fd-io.js";

// Each command's modules are loaded only when it runs: an on-demand call is
// one process per request, and not loading the HTTP/2 server, zlib and the
// JSON codec it does not use is a measurable part of its start-up time.
const load = {
  businessCli: () => import("../cli/business-cli.js"),
  clientGeneration: () => import("../cli/client-generation.js"),
  inspect: () => import("./inspect.js"),
  invoke: () => import("./invoke.js"),
  serve: () => import("./serve.js"),
};

async function runBusinessCli(options) {
  return (await load.businessCli()).runBusinessCli(options);
}

// stdin/stdout/stderr stay undefined unless given: `invoke` then uses the
// descriptors directly (fd-io.js), and only the commands that need a stream
// create process.stdout & co. (each costs milliseconds the first time).
function ioFrom(options) {
  return {
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    entryFile: options.entryFile ?? process.argv[1],
    stdin: options.stdin,
    stdout: options.stdout,
    stderr: options.stderr,
    exit: options.exit ?? ((code) => process.exit(code)),
  };
}

function withStdio(io) {
  return {
    ...io,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
  };
}

// Run the service entry: `--runtime <command>` for the daemon and local
// development, anything else is the business CLI (SPEC §11.4, §11.6).
//
// Resolves with `{ command, … }`; serve/dev resolve once listening (with
// `server`, `address`, `port`, `close()`). A command that failed after
// reporting its error in its own format rejects with ExitError.
export async function runService(service, options = {}) {
  const io = ioFrom(options);
  const argv = options.argv ?? process.argv.slice(2);

  if (argv[0] !== "--runtime") {
    const code = await runBusinessCli({ service, args: argv, ...withStdio(io) });
    if (code !== 0) throw new ExitError(code);
    return { command: "cli" };
  }

  let command;
  try {
    command = parseRuntimeArgs(argv.slice(1));
  } catch (error) {
    // The daemon reads an on-demand call's status only from the
    // OCTOBUS_ERROR line, so even a flag error is reported that way.
    if (argv[1] === "invoke" && error instanceof UsageError) {
      const line = `OCTOBUS_ERROR:${JSON.stringify({ code: statusName(INTERNAL), message: error.message })}\n`;
      if (io.stderr !== undefined) io.stderr.write(line);
      else await writeToFd(2, line);
      throw new ExitError(1);
    }
    throw error;
  }
  switch (command.command) {
    case "help":
      withStdio(io).stdout.write(RUNTIME_USAGE);
      return { command: "help" };
    case "serve":
    case "dev":
      return (await load.serve()).runServe({ service, command, ...withStdio(io), options });
    case "invoke": {
      const code = await (await load.invoke()).runInvoke({ service, command, ...io });
      if (code !== 0) throw new ExitError(code);
      return { command: "invoke" };
    }
    case "inspect":
      (await load.inspect()).runInspect({ command, service, packageDir: findPackageDir(io), stdout: withStdio(io).stdout });
      return { command: "inspect" };
    case "cli": {
      const code = await runBusinessCli({ service, args: command.args, ...withStdio(io) });
      if (code !== 0) throw new ExitError(code);
      return { command: "cli" };
    }
    default:
      await (await load.clientGeneration()).runClientGeneration({
        command: command.command,
        args: command.args,
        ...withStdio(io),
        packageDir: findPackageDir(io),
      });
      return { command: command.command };
  }
}

// The entry point packages call. Exits 1 on failure: usage errors as one
// line, unexpected errors with their stack. One-shot commands (invoke, cli,
// inspect) exit as soon as they are done, so a handler's leftover timers or
// sockets cannot keep an on-demand process alive until the daemon's timeout.
export async function runServiceMain(service, options = {}) {
  const exit = options.exit ?? ((code) => process.exit(code));
  const stderr = () => options.stderr ?? process.stderr;
  let result;
  try {
    result = await runService(service, options);
  } catch (error) {
    if (error instanceof ExitError) {
      exit(error.exitCode);
      return undefined;
    }
    stderr().write(error instanceof UsageError ? `error: ${error.message}\n` : `${error?.stack ?? error}\n`);
    exit(1);
    return undefined;
  }
  if (result.command !== "serve" && result.command !== "dev") exit(0);
  return result;
}
