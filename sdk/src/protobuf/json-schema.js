// JSON Schema (draft 2020-12) of a message's ProtoJSON input, for the business
// CLI's `--help` contract (SPEC §11.5): objects with additionalProperties:false
// keyed by json name, 64-bit ints as integer-or-string, enums and bytes as
// strings, well-known types by their JSON forms. Recursive messages are cut
// off where a type reappears on the current path.
import { ScalarType } from "./scalar.js";
import { isWrapperDesc, wktNames } from "./wkt.js";

const draft = "https://json-schema.org/draft/2020-12/schema";

export function messageJsonSchema(desc, options) {
  const opts = { useProtoFieldName: options?.useProtoFieldName === true };
  return { $schema: draft, ...messageSchema(desc, opts, []) };
}

function describe(schema, comments) {
  const text = commentText(comments);
  if (text !== undefined) schema.description = text;
  return schema;
}

// Leading comment (else trailing), with protoc's leading spaces and newlines trimmed.
function commentText(comments) {
  const raw = comments?.leading ?? comments?.trailing;
  if (raw === undefined) return undefined;
  const text = raw
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .join("\n")
    .trim();
  return text === "" ? undefined : text;
}

function messageSchema(desc, opts, path) {
  // Well-known types get their JSON form without their (very long) doc comments.
  const wkt = wktSchema(desc);
  if (wkt !== undefined) return wkt;
  if (path.includes(desc.typeName)) {
    return { type: "object", description: `${desc.typeName} (recursive; same schema as the enclosing ${desc.name})` };
  }
  const inner = [...path, desc.typeName];
  const properties = {};
  for (const field of desc.fields) {
    properties[opts.useProtoFieldName ? field.name : field.jsonName] = describe(fieldSchema(field, opts, inner), field.comments);
  }
  return describe({ type: "object", properties, additionalProperties: false }, desc.comments);
}

function fieldSchema(field, opts, path) {
  switch (field.fieldKind) {
    case "list":
      return { type: "array", items: valueSchema(field, opts, path) };
    case "map":
      return { type: "object", propertyNames: mapKeySchema(field.mapKey), additionalProperties: valueSchema(field, opts, path) };
    default:
      return valueSchema(field, opts, path);
  }
}

// Schema of one value of the field (the element of a list, the value of a map).
function valueSchema(field, opts, path) {
  if (field.message !== undefined) {
    // Unboxed wrappers read the same as their scalar in JSON.
    return messageSchema(field.message, opts, path);
  }
  if (field.enum !== undefined) return enumSchema(field.enum);
  return scalarSchema(field.scalar);
}

function enumSchema(desc) {
  if (desc.typeName === wktNames.NullValue) return { type: "null" };
  return describe({ type: "string", enum: desc.values.map((v) => v.name) }, desc.comments);
}

function scalarSchema(scalar) {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: "integer", minimum: -2147483648, maximum: 2147483647 };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: "integer", minimum: 0, maximum: 4294967295 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { oneOf: [{ type: "integer" }, { type: "string", pattern: "^-?[0-9]+$" }] };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { oneOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$" }] };
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return { type: "number" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
  }
  return {};
}

function mapKeySchema(scalar) {
  switch (scalar) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "string", enum: ["true", "false"] };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: "string", pattern: "^[0-9]+$" };
    default:
      return { type: "string", pattern: "^-?[0-9]+$" };
  }
}

function wktSchema(desc) {
  switch (desc.typeName) {
    case wktNames.Timestamp:
      return { type: "string", format: "date-time" };
    case wktNames.Duration:
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" };
    case wktNames.FieldMask:
      return { type: "string" };
    case wktNames.Struct:
      return { type: "object", additionalProperties: true };
    case wktNames.Value:
      return { description: "Any JSON value." };
    case wktNames.ListValue:
      return { type: "array", items: {} };
    case wktNames.Any:
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"], additionalProperties: true };
    case wktNames.Empty:
      return { type: "object", properties: {}, additionalProperties: false };
  }
  if (isWrapperDesc(desc)) return scalarSchema(desc.fields[0].scalar);
  return undefined;
}
