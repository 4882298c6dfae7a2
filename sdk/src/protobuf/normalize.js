// normalizeResponse (SPEC §11.5 "Responses / stream items"): handlers may
// return a message object, a ProtoJSON-shaped plain object or a protobuf-es
// init object; the SDK turns any of them into a message of the method's
// output type, falling back to an empty message rather than failing the call.
import { createMessage } from "./create.js";
import { fromJson } from "./json/from-json.js";
import { createZeroMessage, isMessage } from "./message.js";

export function normalizeResponse(desc, value) {
  if (isMessage(value, desc)) return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return createZeroMessage(desc);
  try {
    return fromJson(desc, value);
  } catch {
    // not ProtoJSON (e.g. BigInt or Uint8Array values): try an init object
  }
  try {
    return createMessage(desc, value);
  } catch {
    return createZeroMessage(desc);
  }
}
