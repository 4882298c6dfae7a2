import path from "node:path";
import { UsageError } from "../errors/usage-error.js";
import { findPackageDir } from "../package/package-root.js";
import { exclusive, parseFlags } from "../runtime/args.js";
import { runInspect } from "../runtime/inspect.js";
import { PACK_USAGE, runPack } from "../pack/pack.js";
import { writeBootstrapPackage } from "./bootstrap.js";
import { CLIENT_USAGE, runClientGeneration } from "./client-generation.js";
import { formatValidation, validatePackage } from "./validate.js";

export const SDK_CLI_USAGE = `Usage: octobus-sdk <command> [options]

Commands:
  bootstrap --name <npm-name> --out <dir> [--runtime-mode on-demand|long-running] [--force]
            create a service package scaffold (default runtime mode: on-demand)
  validate  [--strict]
            check service.json, package.json bin, proto files and handlers of the
            package in the current directory (--strict: unary methods without a
            handler are errors)
  inspect   [--json | --yaml] [--config-schema | --secret-schema]
            print package metadata or one of its schemas
${PACK_USAGE}${CLIENT_USAGE}`;

// The `octobus-sdk` developer tool. Returns the exit code.
export async function runSdkCli({
  argv = process.argv.slice(2),
  cwd = process.cwd(),
  env = process.env,
  stdout = process.stdout,
  stderr = process.stderr,
} = {}) {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        stdout.write(SDK_CLI_USAGE);
        return 0;
      case "bootstrap": {
        const flags = parseFlags(rest, { name: "string", out: "string", "runtime-mode": "string", force: "boolean" }, "bootstrap");
        if (!flags.name) throw new UsageError("bootstrap requires --name");
        if (!flags.out) throw new UsageError("bootstrap requires --out");
        const written = writeBootstrapPackage({
          packageName: flags.name,
          outDir: path.resolve(cwd, flags.out),
          runtimeMode: flags.runtimeMode ?? "on-demand",
          force: flags.force === true,
        });
        stdout.write(`generated service package at ${written.outDir}\n`);
        return 0;
      }
      case "validate": {
        const flags = parseFlags(rest, { strict: "boolean" }, "validate");
        const result = await validatePackage({ packageDir: findPackageDir({ env, cwd }), env, strict: flags.strict === true });
        (result.valid ? stdout : stderr).write(formatValidation(result));
        return result.valid ? 0 : 1;
      }
      case "inspect": {
        const flags = parseFlags(rest, { json: "boolean", yaml: "boolean", "config-schema": "boolean", "secret-schema": "boolean" }, "inspect");
        exclusive(flags, ["json", "yaml"]);
        exclusive(flags, ["config-schema", "secret-schema"]);
        runInspect({
          command: {
            format: flags.yaml ? "yaml" : "json",
            schema: flags.configSchema ? "config" : flags.secretSchema ? "secret" : undefined,
          },
          packageDir: findPackageDir({ env, cwd }),
          stdout,
        });
        return 0;
      }
      case "pack":
        await runPack({ args: rest, cwd, stdout, stderr });
        return 0;
      case "client-stub":
      case "client-package":
        await runClientGeneration({ command, args: rest, cwd, env, stdout, stderr, packageDir: findPackageDir({ env, cwd }) });
        return 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${SDK_CLI_USAGE}`);
    }
  } catch (error) {
    stderr.write(error instanceof UsageError ? `error: ${error.message}\n` : `${error?.stack ?? error}\n`);
    return 1;
  }
}
