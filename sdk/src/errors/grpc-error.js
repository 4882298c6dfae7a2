import {
  INTERNAL,
  INVALID_ARGUMENT,
  NOT_FOUND,
  PERMISSION_DENIED,
  UNAUTHENTICATED,
  UNAVAILABLE,
  UNKNOWN,
} from "../status.js";
import { isStatusCode } from "../status-names.js";

// The error a handler throws to choose the gRPC status of its call. Anything
// else a handler throws becomes INTERNAL with the error's message.
export class GrpcError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = "GrpcError";
    this.code = code;
  }
}

export function grpcError(code, message) {
  return new GrpcError(code, message);
}

export function grpcInvalidArgumentError(message) {
  return new GrpcError(INVALID_ARGUMENT, message);
}

export function grpcNotFoundError(message) {
  return new GrpcError(NOT_FOUND, message);
}

export function grpcPermissionDeniedError(message) {
  return new GrpcError(PERMISSION_DENIED, message);
}

export function grpcUnauthenticatedError(message) {
  return new GrpcError(UNAUTHENTICATED, message);
}

export function grpcUnavailableError(message) {
  return new GrpcError(UNAVAILABLE, message);
}

// A package may end up with two copies of the SDK (a nested node_modules, a
// bundled dependency), and then `instanceof` fails across them. Duck-typing on
// the name and a numeric code keeps such errors mapped to their own status.
export function isGrpcError(error) {
  if (error instanceof GrpcError) return true;
  return (
    error !== null &&
    typeof error === "object" &&
    error.name === "GrpcError" &&
    typeof error.code === "number"
  );
}

// Map anything a handler threw to `{ code, message }` for the wire.
export function toStatus(error) {
  if (isGrpcError(error)) {
    return {
      code: isStatusCode(error.code) ? error.code : UNKNOWN,
      message: String(error.message ?? ""),
    };
  }
  if (error instanceof Error) return { code: INTERNAL, message: error.message };
  return { code: INTERNAL, message: error === undefined ? "internal server error" : String(error) };
}
