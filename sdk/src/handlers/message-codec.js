import { GrpcError } from "../errors/grpc-error.js";
import { decodeMessage } from "../protobuf/decode.js";
import { encodeMessage } from "../protobuf/encode.js";
import { simpleResponse } from "../protobuf/simple-response.js";
import { INTERNAL } from "../status.js";

// The two places where handler values meet wire bytes. Failures are INTERNAL:
// undecodable request bytes (SPEC §11.4 "bad request bytes → INTERNAL") and
// responses the handler built wrongly are both the server's problem to report.
//
// Only the binary codec is imported up front. The general response path
// (ProtoJSON reader, init objects) is loaded the first time a response needs
// it: an on-demand call whose handler returns a simple object never loads it.

export function decodeRequest(method, bytes) {
  try {
    // Requests handed to handlers also answer to their proto field names
    // (`request.account_id` as well as `request.accountId`), as upstream.
    return decodeMessage(method.input, bytes, { protoNameAliases: true });
  } catch (error) {
    throw new GrpcError(INTERNAL, `cannot decode request ${method.input.typeName}: ${error.message}`, { cause: error });
  }
}

let normalizeModule;

// Load the general response path ahead of time (servers do, so the first
// call does not pay for it).
export async function loadResponseNormalizer() {
  normalizeModule ??= await import("../protobuf/normalize.js");
  return normalizeModule;
}

// A handler's return value → the output message's bytes (SPEC §11.5).
export async function encodeResponse(method, value) {
  try {
    let message = simpleResponse(method.output, value);
    if (message === undefined) {
      const { normalizeResponse } = normalizeModule ?? (await loadResponseNormalizer());
      message = normalizeResponse(method.output, value);
    }
    return encodeMessage(method.output, message);
  } catch (error) {
    throw new GrpcError(INTERNAL, `invalid response from ${method.fullName}: ${error.message}`, { cause: error });
  }
}
