import { GrpcError, toStatus } from "../errors/grpc-error.js";
import { stripControlMetadata } from "../metadata.js";
import { findHandler, unimplementedMessage } from "../service.js";
import { INTERNAL, OK, UNIMPLEMENTED } from "../status.js";
import { createHandlerContext } from "./context.js";
import { callHandler } from "./handler-style.js";
import { decodeRequest, encodeResponse } from "./message-codec.js";

function isIterable(value) {
  return (
    value !== null &&
    typeof value === "object" &&
    (typeof value[Symbol.asyncIterator] === "function" || typeof value[Symbol.iterator] === "function")
  );
}

async function* decodedRequests(call, method) {
  for await (const bytes of call.requests()) yield decodeRequest(method, bytes);
}

// Stream a handler's responses. Each write awaits flow control; when the call
// ends early (client cancel, deadline) the write throws, which makes
// `for await` call the iterator's return() so a generator's finally runs.
async function sendAll(call, method, responses) {
  if (!isIterable(responses)) {
    throw new GrpcError(INTERNAL, "streaming handler must return an iterable response");
  }
  for await (const item of responses) {
    await call.sendMessage(await encodeResponse(method, item));
  }
  call.sendStatus(OK);
}

// The route for one proto method: decode, call the handler of its kind,
// encode, and turn throws into statuses (GrpcError → its code, else INTERNAL).
export function createMethodRoute({ method, service, runtime, identity, onHandlerError }) {
  const handler = findHandler(service, method.fullName);
  if (!handler) {
    const message = unimplementedMessage(method.fullName, identity);
    return async () => {
      throw new GrpcError(UNIMPLEMENTED, message);
    };
  }
  // The handler is called in its declared style (handler-style.js): with
  // the context alone, or with the request(s) first and the context second.
  const callWith = (call, input) =>
    callHandler(
      handler,
      createHandlerContext({
        method: method.fullName,
        metadata: stripControlMetadata(call.metadata),
        runtime,
        call,
        ...input,
      }),
    );

  const run = {
    unary: async (call) => {
      const request = decodeRequest(method, await call.readSingleRequest());
      const response = await callWith(call, { request });
      await call.sendLastMessage(await encodeResponse(method, response));
    },
    server_streaming: async (call) => {
      const request = decodeRequest(method, await call.readSingleRequest());
      await sendAll(call, method, await callWith(call, { request }));
    },
    client_streaming: async (call) => {
      const response = await callWith(call, { requests: decodedRequests(call, method) });
      await call.sendLastMessage(await encodeResponse(method, response));
    },
    bidi_streaming: async (call) => {
      const requests = decodedRequests(call, method);
      await sendAll(call, method, await callWith(call, { requests }));
    },
  }[method.methodKind];
  if (!run) throw new Error(`method ${method.fullName} has unknown kind ${method.methodKind}`);

  return async (call) => {
    try {
      await run(call);
    } catch (error) {
      // Errors after the call finished (client gone, deadline) have nobody
      // to go to; the rest become the call's status.
      if (call.finished) return;
      if (onHandlerError) onHandlerError(method.fullName, error);
      const { code, message } = toStatus(error);
      call.sendStatus(code, message);
    }
  };
}

// Serve every method of every service in the registry (SPEC §11.3).
export function addServiceRoutes(server, { registry, service, runtime, identity, onHandlerError }) {
  for (const svc of registry.services) {
    for (const method of svc.methods) {
      const path = `/${method.fullName}`;
      if (server.hasRoute(path)) continue;
      server.addRoute(path, createMethodRoute({ method, service, runtime, identity, onHandlerError }));
    }
  }
}
