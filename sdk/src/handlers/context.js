import { Metadata } from "../metadata.js";

// A signal that never aborts, for contexts without a transport (invoke, CLI).
const NEVER = new AbortController().signal;

// HandlerContext (SPEC §11.2). `runtime` holds what is fixed for the process:
// config, secret, serviceId, instanceId, workdir, packageDir. Beyond upstream,
// `signal` aborts when the call is cancelled, times out or is shut down, and
// `deadline` is the call's deadline (a Date) when the client set one.
export function createHandlerContext({ method, metadata = new Metadata(), runtime, call, request, requests }) {
  const ctx = {
    metadata,
    config: runtime.config,
    secret: runtime.secret,
    method,
    serviceId: runtime.serviceId ?? "",
    instanceId: runtime.instanceId ?? "",
    workdir: runtime.workdir,
    packageDir: runtime.packageDir,
    deadline: call?.deadline,
    getMetadata(name) {
      const [first] = metadata.get(name);
      return first === undefined ? undefined : String(first);
    },
    getMetadataAll(name) {
      return metadata.get(name).map(String);
    },
    // Response metadata (beyond upstream): no-ops where there is no transport
    // (invoke, business CLI), so handlers need not know how they are called.
    setHeader(name, value) {
      call?.setHeader?.(name, value);
    },
    setTrailer(name, value) {
      call?.setTrailer?.(name, value);
    },
  };
  Object.defineProperty(ctx, "signal", {
    enumerable: true,
    get: () => (call ? call.signal : NEVER),
  });
  if (requests !== undefined) ctx.requests = requests;
  else ctx.request = request;
  return ctx;
}
