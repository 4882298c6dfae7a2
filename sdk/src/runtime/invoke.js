import path from "node:path";
import { GrpcError, toStatus } from "../errors/grpc-error.js";
import { UsageError } from "../errors/usage-error.js";
import { createHandlerContext } from "../handlers/context.js";
import { callHandler } from "../handlers/handler-style.js";
import { decodeRequest, encodeResponse } from "../handlers/message-codec.js";
import { loadServicePackage, packageIdentity } from "../package/load-package.js";
import { findHandler, unimplementedMessage } from "../service.js";
import { INTERNAL, UNIMPLEMENTED } from "../status.js";
import { statusName } from "../status-names.js";
import { readFdToEnd, writeToFd } from "./fd-io.js";
import { readJsonFile, readMetadataFile, readSecret } from "./sources.js";

// stdin/stdout/stderr: streams when the caller passed them (runService
// options, tests), else the process's descriptors 0/1/2 used directly (see
// fd-io.js for why).
async function readInput(stream) {
  if (stream === undefined) return readFdToEnd(0, { close: false });
  const chunks = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function writeOutput(stream, fd, data) {
  if (stream === undefined) return writeToFd(fd, data);
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve()));
  });
}

// The single stderr line the daemon parses for an on-demand call's status
// (SPEC §5.2): it must be the last non-empty line, so nothing follows it.
export function octobusErrorLine(code, message) {
  return `OCTOBUS_ERROR:${JSON.stringify({ code: statusName(code), message })}\n`;
}

function findUnaryMethod(registry, fullName, identity) {
  let method;
  try {
    method = registry.getMethod(fullName);
  } catch {
    method = undefined;
  }
  if (!method) {
    throw new GrpcError(UNIMPLEMENTED, `method ${fullName} is not defined by package ${identity}`);
  }
  if (method.methodKind !== "unary") {
    throw new GrpcError(
      UNIMPLEMENTED,
      `method ${fullName} is ${method.methodKind.replace("_", "-")}; --runtime invoke supports unary methods only`,
    );
  }
  return method;
}

// `--runtime invoke`: request bytes on stdin, response bytes on stdout, exit
// 0; any failure — including bad flags or an unreadable config — is the one
// `OCTOBUS_ERROR:` line and exit 1, so the daemon always gets a status.
export async function runInvoke({ service, command, env, cwd, entryFile, stdin, stdout, stderr }) {
  try {
    const workdir = path.resolve(cwd, command.workdir);
    const config = readJsonFile(command.config, workdir, "config");
    const secret = await readSecret({ file: command.secret, fd: command.secretFd, workdir });
    const metadata = readMetadataFile(command.metadata, workdir);
    const pkg = await loadServicePackage({ env, cwd, entryFile });
    const identity = packageIdentity(pkg.manifest);
    const fullName = command.method.replace(/^\//, "");
    const method = findUnaryMethod(pkg.registry, fullName, identity);
    const handler = findHandler(service, method.fullName);
    if (!handler) throw new GrpcError(UNIMPLEMENTED, unimplementedMessage(method.fullName, identity));

    const request = decodeRequest(method, await readInput(stdin));
    const runtime = {
      config,
      secret,
      serviceId: command.service ?? env.OCTOBUS_SERVICE_ID ?? "",
      instanceId: command.instance ?? env.OCTOBUS_INSTANCE_ID ?? "",
      workdir,
      packageDir: pkg.packageDir,
    };
    const response = await callHandler(handler, createHandlerContext({ method: method.fullName, metadata, runtime, request }));
    await writeOutput(stdout, 1, await encodeResponse(method, response));
    return 0;
  } catch (error) {
    // A bad flag or unreadable config is the server's problem, not the
    // RPC caller's, so it travels as INTERNAL rather than INVALID_ARGUMENT.
    const { code, message } = error instanceof UsageError ? { code: INTERNAL, message: error.message } : toStatus(error);
    await writeOutput(stderr, 2, octobusErrorLine(code, message));
    return 1;
  }
}
