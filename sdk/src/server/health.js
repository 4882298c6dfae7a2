import { GrpcError } from "../errors/grpc-error.js";
import { UNIMPLEMENTED } from "../status.js";

// grpc.health.v1.Health. The daemon probes `Check` until it answers SERVING
// (SPEC §5.1); a package that is running is serving, whatever `service` is
// asked for. The response is fixed, so it is encoded by hand:
// HealthCheckResponse { status (field 1, varint) = SERVING (1) }.
const SERVING_RESPONSE = Buffer.from([0x08, 0x01]);

export const HEALTH_CHECK_PATH = "/grpc.health.v1.Health/Check";
export const HEALTH_WATCH_PATH = "/grpc.health.v1.Health/Watch";

export function addHealthRoutes(server) {
  server.addRoute(HEALTH_CHECK_PATH, async (call) => {
    await call.readSingleRequest();
    await call.sendLastMessage(SERVING_RESPONSE);
  });
  server.addRoute(HEALTH_WATCH_PATH, async () => {
    throw new GrpcError(UNIMPLEMENTED, "grpc.health.v1.Health/Watch is unsupported; poll Check instead");
  });
}
