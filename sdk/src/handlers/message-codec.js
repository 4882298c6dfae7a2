import { GrpcError } from "../errors/grpc-error.js";
import { decodeMessage, encodeMessage, normalizeResponse } from "../protobuf/index.js";
import { INTERNAL } from "../status.js";

// The two places where handler values meet wire bytes. Failures are INTERNAL:
// undecodable request bytes (SPEC §11.4 "bad request bytes → INTERNAL") and
// responses the handler built wrongly are both the server's problem to report.

export function decodeRequest(method, bytes) {
  try {
    return decodeMessage(method.input, bytes);
  } catch (error) {
    throw new GrpcError(INTERNAL, `cannot decode request ${method.input.typeName ?? method.input.fullName}: ${error.message}`, { cause: error });
  }
}

export function encodeResponse(method, value) {
  try {
    return encodeMessage(method.output, normalizeResponse(method.output, value));
  } catch (error) {
    throw new GrpcError(INTERNAL, `cannot encode response ${method.output.typeName ?? method.output.fullName}: ${error.message}`, { cause: error });
  }
}
