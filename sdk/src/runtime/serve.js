import path from "node:path";
import { addServiceRoutes } from "../handlers/dispatch.js";
import { loadResponseNormalizer } from "../handlers/message-codec.js";
import { loadServicePackage, packageIdentity } from "../package/load-package.js";
import { DEFAULT_MAX_RECEIVE_MESSAGE_BYTES, GrpcServer } from "../server/grpc-server.js";
import { addHealthRoutes } from "../server/health.js";
import { UsageError } from "../errors/usage-error.js";
import { isGrpcError } from "../errors/grpc-error.js";
import { applyServiceContext } from "./service-context.js";
import { readJsonSource, readSecret } from "./sources.js";

export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

// Limits can be tuned per process without changing the daemon's fixed argv:
// options passed to runService win over these environment variables.
function limit(optionValue, env, name, fallback) {
  if (optionValue !== undefined) return optionValue;
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < -1) {
    throw new UsageError(`${name} must be an integer ≥ -1 (-1 = unlimited), got ${JSON.stringify(raw)}`);
  }
  return value;
}

// `--runtime serve` / `--runtime dev`: an h2c gRPC server for every service
// of the package plus grpc.health.v1.Health. SIGINT/SIGTERM stop it
// gracefully: in-flight calls get `shutdownGraceMs` to finish, then exit 0.
export async function runServe({ service, command, env, cwd, entryFile, stdout, stderr, options, exit }) {
  const workdir = path.resolve(cwd, command.workdir ?? ".");
  let config = readJsonSource({ file: command.config, json: command.configJson, workdir, label: "config" });
  let secret = await readSecret({ file: command.secret, json: command.secretJson, fd: command.secretFd, workdir });
  if (command.command === "dev") ({ config, secret } = applyServiceContext({ config, secret, env, cwd }));

  const pkg = await loadServicePackage({ env, cwd, entryFile });
  const identity = packageIdentity(pkg.manifest);
  const server = new GrpcServer({
    maxReceiveMessageBytes: limit(options.maxReceiveMessageBytes, env, "OCTOBUS_SDK_MAX_RECEIVE_MESSAGE_BYTES", DEFAULT_MAX_RECEIVE_MESSAGE_BYTES),
    maxSendMessageBytes: limit(options.maxSendMessageBytes, env, "OCTOBUS_SDK_MAX_SEND_MESSAGE_BYTES", -1),
  });
  const graceMs = limit(options.shutdownGraceMs, env, "OCTOBUS_SDK_SHUTDOWN_GRACE_MS", DEFAULT_SHUTDOWN_GRACE_MS);
  await loadResponseNormalizer();
  addHealthRoutes(server);
  addServiceRoutes(server, {
    registry: pkg.registry,
    service,
    identity,
    runtime: {
      config,
      secret,
      serviceId: command.service ?? env.OCTOBUS_SERVICE_ID ?? "",
      instanceId: command.instance ?? env.OCTOBUS_INSTANCE_ID ?? "",
      workdir,
      packageDir: pkg.packageDir,
    },
    // Unexpected throws go to stderr (the instance's stderr.log) with their
    // stack; the client only gets INTERNAL and the message.
    onHandlerError: (method, error) => {
      if (!isGrpcError(error)) stderr.write(`octobus-sdk: ${method} failed: ${error?.stack ?? error}\n`);
    },
  });

  let port;
  try {
    port = await server.listen(command.host, command.port);
  } catch (error) {
    // A busy or unbindable address is a problem with the flags given.
    throw new UsageError(error.message);
  }
  const address = `${command.host}:${port}`;
  if (command.command === "dev") stdout.write(`${address}\n`);
  stderr.write(`octobus-sdk: ${identity} serving gRPC on ${address}\n`);

  let stopping = null;
  const close = () => {
    stopping ??= server.shutdown({ graceMs });
    return stopping;
  };
  if (options.handleSignals !== false) {
    const onSignal = (signal) => {
      if (stopping) {
        // A second signal: the operator does not want to wait.
        server.forceClose();
        exit(0);
        return;
      }
      stderr.write(`octobus-sdk: ${signal}: finishing ${server.activeCallCount} in-flight call(s), grace ${graceMs} ms\n`);
      close().then(() => exit(0));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  return { command: command.command, server, address, port, close };
}
