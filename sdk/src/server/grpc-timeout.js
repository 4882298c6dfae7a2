// `grpc-timeout` header: at most 8 ASCII digits and a unit (gRPC over HTTP/2,
// "Timeout"). Returns milliseconds, or throws on a malformed value.
const UNIT_MS = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const PATTERN = /^(\d{1,8})([HMSmun])$/;

export function parseGrpcTimeout(value) {
  const match = PATTERN.exec(String(value).trim());
  if (!match) throw new Error(`malformed grpc-timeout ${JSON.stringify(value)}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}

// setTimeout keeps a 32-bit signed delay; longer deadlines (up to 8 digits of
// hours) are clamped, which only matters for timers longer than ~24.8 days.
export const MAX_TIMER_MS = 2 ** 31 - 1;
