// Upper-case names of the canonical codes, kept apart from status.js so the
// exported `status`/`grpcStatus` namespaces hold only the constants. Generated
// clients re-export this list (client/grpc-client.js).
export const CODE_NAMES = Object.freeze([
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
]);

// The upper-case name used in `OCTOBUS_ERROR:` lines and CLI errors. Codes
// outside 0–16 are not valid on the wire; they are reported as INTERNAL, as
// the daemon would reject any other name.
export function statusName(code) {
  return Number.isInteger(code) && code >= 0 && code < CODE_NAMES.length ? CODE_NAMES[code] : "INTERNAL";
}

export function isStatusCode(code) {
  return Number.isInteger(code) && code >= 0 && code < CODE_NAMES.length;
}
