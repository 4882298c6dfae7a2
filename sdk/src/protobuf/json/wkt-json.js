// The special ProtoJSON forms of google.protobuf.Timestamp, Duration and
// FieldMask (Any, Struct/Value/ListValue and wrappers are handled by the
// readers and writers because they recurse into messages). Each converter
// returns a value or a string describing what is wrong.
import { fieldMaskPathFromJson, fieldMaskPathToJson } from "../names.js";

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range RFC 3339 can express.
const TIMESTAMP_MIN_SECONDS = -62135596800n;
const TIMESTAMP_MAX_SECONDS = 253402300799n;
const DURATION_MAX_SECONDS = 315576000000n;

const timestampPattern =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/;

export class WktError extends Error {}

// "2024-01-01T00:00:00.123Z" (any offset accepted) → {seconds, nanos}
export function timestampFromJson(json) {
  if (typeof json !== "string") throw new WktError(`expected an RFC 3339 string, got ${typeof json}`);
  const m = timestampPattern.exec(json);
  if (m === null) throw new WktError(`invalid RFC 3339 timestamp ${JSON.stringify(json)}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  // Reject dates that Date silently normalizes (Feb 30, 25:00, …).
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    second > 59
  ) {
    throw new WktError(`invalid RFC 3339 timestamp ${JSON.stringify(json)}`);
  }
  let seconds = BigInt(date.getTime() / 1000);
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) throw new WktError(`invalid RFC 3339 offset in ${JSON.stringify(json)}`);
    const offset = BigInt(offsetHours * 3600 + offsetMinutes * 60);
    seconds = m[9] === "+" ? seconds - offset : seconds + offset;
  }
  if (seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS) {
    throw new WktError("timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive");
  }
  const nanos = m[7] !== undefined ? Number(m[7].padEnd(9, "0")) : 0;
  return { seconds, nanos };
}

// {seconds, nanos} → "1970-01-01T00:00:00Z" with 0, 3, 6 or 9 fraction digits.
export function timestampToJson(seconds, nanos) {
  const s = BigInt(seconds);
  if (s < TIMESTAMP_MIN_SECONDS || s > TIMESTAMP_MAX_SECONDS) {
    throw new WktError("timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive");
  }
  if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999999999) {
    throw new WktError(`timestamp nanos ${nanos} out of range 0..999999999`);
  }
  const iso = new Date(Number(s) * 1000).toISOString(); // "YYYY-MM-DDTHH:MM:SS.000Z"
  return iso.substring(0, 19) + fraction(nanos) + "Z";
}

// "-1.5s" → {seconds: -1n, nanos: -500000000}
export function durationFromJson(json) {
  if (typeof json !== "string") throw new WktError(`expected a duration string like "1.5s", got ${typeof json}`);
  const m = /^(-)?([0-9]+)(?:\.([0-9]{1,9}))?s$/.exec(json);
  if (m === null) throw new WktError(`invalid duration ${JSON.stringify(json)}`);
  const negative = m[1] === "-";
  const abs = BigInt(m[2]);
  if (abs > DURATION_MAX_SECONDS) throw new WktError(`duration ${JSON.stringify(json)} out of range`);
  const nanos = m[3] !== undefined ? Number(m[3].padEnd(9, "0")) : 0;
  return { seconds: negative ? -abs : abs, nanos: negative ? -nanos : nanos };
}

export function durationToJson(seconds, nanos) {
  const s = BigInt(seconds);
  if (s > DURATION_MAX_SECONDS || s < -DURATION_MAX_SECONDS) throw new WktError("duration out of range");
  if (!Number.isInteger(nanos) || nanos <= -1e9 || nanos >= 1e9) throw new WktError(`duration nanos ${nanos} out of range`);
  if ((s > 0n && nanos < 0) || (s < 0n && nanos > 0)) throw new WktError("duration seconds and nanos have different signs");
  let text = s.toString();
  if (nanos !== 0) {
    if (s === 0n && nanos < 0) text = "-" + text;
    text += fraction(Math.abs(nanos));
  }
  return text + "s";
}

// ".123", ".123456", ".123456789" or "" for 0.
function fraction(nanos) {
  if (nanos === 0) return "";
  let digits = String(nanos).padStart(9, "0");
  if (digits.endsWith("000000")) digits = digits.substring(0, 3);
  else if (digits.endsWith("000")) digits = digits.substring(0, 6);
  return "." + digits;
}

export function fieldMaskFromJson(json) {
  if (typeof json !== "string") throw new WktError(`expected a comma-separated string, got ${typeof json}`);
  if (json === "") return [];
  return json.split(",").map((path) => {
    const snake = fieldMaskPathFromJson(path);
    if (snake === undefined) throw new WktError(`path ${JSON.stringify(path)} must be lowerCamelCase`);
    return snake;
  });
}

export function fieldMaskToJson(paths) {
  return paths
    .map((path) => {
      const camel = typeof path === "string" ? fieldMaskPathToJson(path) : undefined;
      if (camel === undefined) throw new WktError(`lowerCamelCase of path ${JSON.stringify(path)} is irreversible`);
      return camel;
    })
    .join(",");
}
