// Field presence, packing, enum openness and group encoding, resolved the way
// protobuf-es resolves them: proto2 and proto3 are treated as editions with
// fixed feature defaults, and an explicit feature on a field, message, enum or
// file overrides the default of its edition. protoc 3.21 emits only proto2 and
// proto3 files, but descriptor sets produced by newer compilers still load.

export const EDITION_PROTO2 = 998;
export const EDITION_PROTO3 = 999;
export const EDITION_2023 = 1000;
export const EDITION_2024 = 1001;

// google.protobuf.FeatureSet.FieldPresence, exported as FieldDesc.presence.
export const FieldPresence = Object.freeze({ EXPLICIT: 1, IMPLICIT: 2, LEGACY_REQUIRED: 3 });

const OPEN = 1;
const PACKED = 1;
const DELIMITED = 2;

// FeatureSet defaults per edition (field numbers of google.protobuf.FeatureSet).
const featureDefaults = {
  [EDITION_PROTO2]: { fieldPresence: 1, enumType: 2, repeatedFieldEncoding: 2, messageEncoding: 1 },
  [EDITION_PROTO3]: { fieldPresence: 2, enumType: 1, repeatedFieldEncoding: 1, messageEncoding: 1 },
  [EDITION_2023]: { fieldPresence: 1, enumType: 1, repeatedFieldEncoding: 1, messageEncoding: 1 },
  [EDITION_2024]: { fieldPresence: 1, enumType: 1, repeatedFieldEncoding: 1, messageEncoding: 1 },
};

export function fileEdition(fileProto) {
  const syntax = fileProto.syntax ?? "";
  switch (syntax) {
    case "":
    case "proto2":
      return EDITION_PROTO2;
    case "proto3":
      return EDITION_PROTO3;
    case "editions": {
      const edition = fileProto.edition ?? 0;
      if (edition in featureDefaults) return edition;
      throw new Error(`${fileProto.name}: unsupported edition ${edition}`);
    }
    default:
      throw new Error(`${fileProto.name}: unsupported syntax "${syntax}"`);
  }
}

// Walk from the element outwards (field → message → … → file) and return the
// first explicitly set feature, else the edition default. `chain` is a list of
// option-carrying protos, innermost first.
function resolveFeature(name, chain, edition) {
  for (const proto of chain) {
    const value = proto?.options?.features?.[name];
    if (value !== undefined && value !== 0) return value;
  }
  return featureDefaults[edition][name];
}

// The protos enclosing a message, innermost first, ending with the file.
export function protoChain(messageDesc) {
  const chain = [];
  for (let m = messageDesc; m !== undefined; m = m.parent) chain.push(m.proto);
  chain.push(messageDesc.file.proto);
  return chain;
}

export function isEnumOpen(enumProto, parentChain, edition) {
  return resolveFeature("enumType", [enumProto, ...parentChain], edition) === OPEN;
}

export function fieldPresence(fieldProto, isInRealOneof, parentChain, edition) {
  if (fieldProto.label === 2) return FieldPresence.LEGACY_REQUIRED;
  if (edition === EDITION_PROTO3) {
    // proto3 oneof members, `optional` fields and singular messages track presence
    if (isInRealOneof || fieldProto.proto3Optional) return FieldPresence.EXPLICIT;
    if (fieldProto.label !== 3 && fieldProto.type === 11) return FieldPresence.EXPLICIT;
  }
  return resolveFeature("fieldPresence", [fieldProto, ...parentChain], edition);
}

export function isPackedField(fieldProto, parentChain, edition) {
  if (fieldProto.label !== 3) return false;
  switch (fieldProto.type) {
    case 9: // string
    case 12: // bytes
    case 10: // group
    case 11: // message
      return false;
  }
  const options = fieldProto.options;
  if (options !== undefined && Object.hasOwn(options, "packed")) return options.packed;
  return resolveFeature("repeatedFieldEncoding", [fieldProto, ...parentChain], edition) === PACKED;
}

export function isDelimitedEncoding(fieldProto, parentChain, edition) {
  if (fieldProto.type === 10) return true;
  return resolveFeature("messageEncoding", [fieldProto, ...parentChain], edition) === DELIMITED;
}
