// normalizeResponse (SPEC §11.5 "Responses / stream items"): handlers may
// return a message object, a ProtoJSON-shaped plain object or a protobuf-es
// init object; the SDK turns any of them into a message of the method's
// output type. A plain object is read as ProtoJSON first and, if that fails,
// as an init object; one that is neither is an error (the call fails with
// INTERNAL, as upstream's create + toBinary would), never a silently empty
// reply. Values that are not objects at all (undefined, null, strings,
// numbers, arrays) become an empty message.
import { createMessage } from "./create.js";
import { ProtobufError } from "./errors.js";
import { fromJson } from "./json/from-json.js";
import { simpleResponse } from "./simple-response.js";

export function normalizeResponse(desc, value) {
  // Messages, non-objects and the common simple shapes need no JSON reader.
  const simple = simpleResponse(desc, value);
  if (simple !== undefined) return simple;
  let jsonError;
  try {
    return fromJson(desc, value);
  } catch (error) {
    // not ProtoJSON (e.g. BigInt or Uint8Array values): try an init object
    jsonError = error;
  }
  try {
    return createMessage(desc, value);
  } catch (initError) {
    throw new ProtobufError(
      `the value is neither ProtoJSON nor an init object of ${desc.typeName}: ${initError.message} (as ProtoJSON: ${jsonError.message})`,
      { cause: initError },
    );
  }
}
