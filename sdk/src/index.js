// Public API of @chaitin-ai/octobus-sdk, the same names upstream service
// packages import.
export { defineService } from "./service.js";
export { runService, runServiceMain } from "./runtime/run-service.js";
export {
  GrpcError,
  grpcError,
  grpcInvalidArgumentError,
  grpcNotFoundError,
  grpcPermissionDeniedError,
  grpcUnauthenticatedError,
  grpcUnavailableError,
} from "./errors/grpc-error.js";
export { Metadata } from "./metadata.js";
export * as status from "./status.js";
export * as grpcStatus from "./status.js";
