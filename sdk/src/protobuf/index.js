// Public API of the SDK's protobuf layer: a descriptor-driven codec for
// binary and ProtoJSON whose message objects have the protobuf-es v2 shape.
export { ProtobufError } from "./errors.js";
export { Registry } from "./registry.js";
export { decodeMessage } from "./decode.js";
export { encodeMessage } from "./encode.js";
export { createMessage } from "./create.js";
export { isMessage } from "./message.js";
export { ScalarType } from "./scalar.js";
export { FieldPresence } from "./features.js";
export { fromJson, fromJsonString } from "./json/from-json.js";
export { toJson, toJsonString } from "./json/to-json.js";
export { normalizeResponse } from "./normalize.js";
export { messageJsonSchema } from "./json-schema.js";
