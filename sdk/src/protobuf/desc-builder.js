// Turns decoded FileDescriptorProtos into the descriptor graph (FileDesc,
// MessageDesc, FieldDesc, EnumDesc, ServiceDesc, MethodDesc) that the codecs
// walk. Shapes and naming follow protobuf-es v2 (`typeName`, `fieldKind`,
// `localName`, …) plus the names the OctoBus SDK brief asks for (`fullName`,
// `type`, `repeated`, `isMapEntry`, …).
//
// Building happens in passes over the whole set (types, then fields, then
// services) so references may point forward or across files in any order.
import {
  EDITION_PROTO2,
  EDITION_PROTO3,
  FieldPresence,
  fieldPresence,
  fileEdition,
  isDelimitedEncoding,
  isEnumOpen,
  isPackedField,
  protoChain,
} from "./features.js";
import { fieldLocalName, findEnumSharedPrefix, safeObjectProperty, protoCamelCase } from "./names.js";
import { ScalarType, TYPE_ENUM, TYPE_GROUP, TYPE_MESSAGE, protoTypeName } from "./scalar.js";
import { parseDefaultValue } from "./text-default.js";
import { commentsForPath, indexSourceCodeInfo } from "./source-comments.js";

const LABEL_REPEATED = 3;
const JS_STRING = 1; // FieldOptions.JSType.JS_STRING

// Field numbers inside descriptor.proto, used to form SourceCodeInfo paths.
const FILE_MESSAGE_TYPE = 4;
const FILE_ENUM_TYPE = 5;
const FILE_SERVICE = 6;
const MESSAGE_FIELD = 2;
const MESSAGE_NESTED_TYPE = 3;
const MESSAGE_ENUM_TYPE = 4;
const MESSAGE_ONEOF_DECL = 8;
const ENUM_VALUE = 2;
const SERVICE_METHOD = 2;

export function buildDescriptors(fileProtos, registry) {
  // Build state that must not leak onto the descriptors: every type by name
  // (map entries included), each file's comment index, each message's
  // SourceCodeInfo path.
  const ctx = { types: new Map(), comments: new Map(), paths: new Map() };
  const files = [];
  const messages = [];
  for (const proto of fileProtos) {
    const file = newFile(proto, registry);
    files.push(file);
    ctx.comments.set(file, indexSourceCodeInfo(proto.sourceCodeInfo));
    (proto.enumType ?? []).forEach((p, i) => addEnum(p, file, undefined, [FILE_ENUM_TYPE, i], ctx));
    (proto.messageType ?? []).forEach((p, i) => addMessage(p, file, undefined, [FILE_MESSAGE_TYPE, i], ctx, messages));
  }
  for (const message of messages) addFields(message, ctx);
  for (const file of files) {
    (file.proto.service ?? []).forEach((p, i) => addService(p, file, [FILE_SERVICE, i], ctx));
  }
  return { files, types: ctx.types };
}

function newFile(proto, registry) {
  const edition = fileEdition(proto);
  const syntax = edition === EDITION_PROTO2 ? "proto2" : edition === EDITION_PROTO3 ? "proto3" : "editions";
  const file = {
    kind: "file",
    name: proto.name ?? "",
    package: proto.package ?? "",
    dependencies: [...(proto.dependency ?? [])],
    messages: [],
    enums: [],
    services: [],
    syntax,
    edition,
    proto,
    toString() {
      return `file ${this.name}`;
    },
  };
  // The registry that owns a file resolves google.protobuf.Any type URLs by
  // default; kept non-enumerable so descriptors stay printable.
  Object.defineProperty(file, "registry", { value: registry, enumerable: false });
  return file;
}

function qualify(name, parent, file) {
  if (parent !== undefined) return `${parent.typeName}.${name}`;
  return file.package.length > 0 ? `${file.package}.${name}` : name;
}

function addEnum(proto, file, parent, path, ctx) {
  const comments = ctx.comments.get(file);
  const name = proto.name ?? "";
  const valueProtos = proto.value ?? [];
  const sharedPrefix = findEnumSharedPrefix(
    name,
    valueProtos.map((v) => v.name),
  );
  const chain = parent !== undefined ? protoChain(parent) : [file.proto];
  const desc = {
    kind: "enum",
    name,
    typeName: qualify(name, parent, file),
    fullName: "",
    file,
    parent,
    open: isEnumOpen(proto, chain, file.edition),
    values: [],
    sharedPrefix,
    comments: commentsForPath(comments, path),
    deprecated: proto.options?.deprecated === true,
    proto,
    toString() {
      return `enum ${this.typeName}`;
    },
  };
  desc.fullName = desc.typeName;
  valueProtos.forEach((valueProto, i) => {
    const valueName = valueProto.name ?? "";
    const local = sharedPrefix !== undefined ? valueName.substring(sharedPrefix.length) : valueName;
    desc.values.push({
      kind: "enum_value",
      name: valueName,
      number: valueProto.number ?? 0,
      localName: safeObjectProperty(local),
      parent: desc,
      comments: commentsForPath(comments, [...path, ENUM_VALUE, i]),
      deprecated: valueProto.options?.deprecated === true,
      proto: valueProto,
    });
  });
  // Lookups by number and by name are on the hot path of JSON conversion.
  desc.valueByNumber = new Map();
  desc.valueByName = new Map();
  for (const v of desc.values) {
    if (!desc.valueByNumber.has(v.number)) desc.valueByNumber.set(v.number, v);
    desc.valueByName.set(v.name, v);
  }
  Object.defineProperty(desc, "valueByNumber", { enumerable: false });
  Object.defineProperty(desc, "valueByName", { enumerable: false });
  ctx.types.set(desc.typeName, desc);
  (parent?.nestedEnums ?? file.enums).push(desc);
}

function addMessage(proto, file, parent, path, ctx, messages) {
  const comments = ctx.comments.get(file);
  const name = proto.name ?? "";
  const isMapEntry = proto.options?.mapEntry === true;
  const desc = {
    kind: "message",
    name,
    typeName: qualify(name, parent, file),
    fullName: "",
    file,
    parent,
    fields: [],
    oneofs: [],
    members: [],
    nestedMessages: [],
    nestedEnums: [],
    isMapEntry,
    comments: commentsForPath(comments, path),
    deprecated: proto.options?.deprecated === true,
    proto,
    toString() {
      return `message ${this.typeName}`;
    },
  };
  desc.fullName = desc.typeName;
  ctx.paths.set(desc, path);
  ctx.types.set(desc.typeName, desc);
  messages.push(desc);
  // Map entries are synthetic: protobuf-es keeps them out of nestedMessages.
  if (!isMapEntry) (parent?.nestedMessages ?? file.messages).push(desc);
  (proto.enumType ?? []).forEach((p, i) => addEnum(p, file, desc, [...path, MESSAGE_ENUM_TYPE, i], ctx));
  (proto.nestedType ?? []).forEach((p, i) =>
    addMessage(p, file, desc, [...path, MESSAGE_NESTED_TYPE, i], ctx, messages),
  );
}

function resolveType(types, typeName, what, kind) {
  const name = typeName.startsWith(".") ? typeName.substring(1) : typeName;
  const desc = types.get(name);
  if (desc === undefined || desc.kind !== kind) {
    throw new Error(`invalid descriptor: ${what} refers to unknown ${kind} ${typeName}`);
  }
  return desc;
}

function addFields(message, ctx) {
  const comments = ctx.comments.get(message.file);
  const path = ctx.paths.get(message);
  const chain = protoChain(message);
  const oneofs = (message.proto.oneofDecl ?? []).map((p, i) => ({
    kind: "oneof",
    name: p.name ?? "",
    localName: fieldLocalName(p.name ?? ""),
    parent: message,
    fields: [],
    comments: commentsForPath(comments, [...path, MESSAGE_ONEOF_DECL, i]),
    proto: p,
    toString() {
      return `oneof ${message.typeName}.${this.name}`;
    },
  }));
  const seen = new Set();
  (message.proto.field ?? []).forEach((proto, i) => {
    // proto3 `optional` is a synthetic oneof; protobuf-es treats it as a plain field.
    const inOneof = Object.hasOwn(proto, "oneofIndex") && proto.oneofIndex !== undefined && !proto.proto3Optional;
    const oneof = inOneof ? oneofs[proto.oneofIndex] : undefined;
    if (inOneof && oneof === undefined) {
      throw new Error(`invalid descriptor: oneof #${proto.oneofIndex} of ${message.typeName}.${proto.name} not found`);
    }
    const field = newField(proto, message, oneof, chain, ctx.types);
    field.comments = commentsForPath(comments, [...path, MESSAGE_FIELD, i]);
    message.fields.push(field);
    if (oneof === undefined) {
      message.members.push(field);
    } else {
      oneof.fields.push(field);
      if (!seen.has(oneof)) {
        seen.add(oneof);
        message.members.push(oneof);
      }
    }
  });
  for (const oneof of oneofs) if (seen.has(oneof)) message.oneofs.push(oneof);
}

function newField(proto, message, oneof, chain, types) {
  const file = message.file;
  const name = proto.name ?? "";
  const type = proto.type ?? 0;
  const label = proto.label ?? 1;
  const what = `field ${message.typeName}.${name}`;
  const field = {
    kind: "field",
    name,
    localName: fieldLocalName(name),
    jsonName: proto.jsonName !== undefined && proto.jsonName !== "" ? proto.jsonName : protoCamelCase(name),
    number: proto.number ?? 0,
    parent: message,
    oneof,
    fieldKind: "scalar",
    type: protoTypeName(type),
    protoType: type,
    scalar: undefined,
    message: undefined,
    enum: undefined,
    repeated: label === LABEL_REPEATED,
    packed: false,
    listKind: undefined,
    mapKey: undefined,
    mapKind: undefined,
    mapEntry: undefined,
    delimitedEncoding: false,
    presence: FieldPresence.IMPLICIT,
    optional: false,
    hasPresence: false,
    longAsString: proto.options?.jstype === JS_STRING,
    defaultValue: undefined,
    comments: undefined,
    deprecated: proto.options?.deprecated === true,
    proto,
    toString() {
      return `field ${message.typeName}.${name}`;
    },
  };
  if (label === LABEL_REPEATED) {
    const entry = type === TYPE_MESSAGE ? resolveType(types, proto.typeName ?? "", what, "message") : undefined;
    if (entry !== undefined && entry.isMapEntry) {
      const keyField = entry.proto.field?.find((f) => f.number === 1);
      const valueField = entry.proto.field?.find((f) => f.number === 2);
      if (keyField === undefined || valueField === undefined) {
        throw new Error(`invalid descriptor: map entry ${entry.typeName} lacks key or value`);
      }
      field.fieldKind = "map";
      field.repeated = false; // a map is not a list for the object shape
      field.mapEntry = entry;
      field.mapKey = keyField.type;
      field.longAsString = false;
      switch (valueField.type) {
        case TYPE_MESSAGE:
        case TYPE_GROUP:
          field.mapKind = "message";
          field.message = resolveType(types, valueField.typeName ?? "", what, "message");
          break;
        case TYPE_ENUM:
          field.mapKind = "enum";
          field.enum = resolveType(types, valueField.typeName ?? "", what, "enum");
          break;
        default:
          field.mapKind = "scalar";
          field.scalar = valueField.type;
          field.longAsString = valueField.options?.jstype === JS_STRING;
      }
      return field;
    }
    field.fieldKind = "list";
    switch (type) {
      case TYPE_MESSAGE:
      case TYPE_GROUP:
        field.listKind = "message";
        field.message = resolveType(types, proto.typeName ?? "", what, "message");
        field.delimitedEncoding = isDelimitedEncoding(proto, chain, file.edition);
        break;
      case TYPE_ENUM:
        field.listKind = "enum";
        field.enum = resolveType(types, proto.typeName ?? "", what, "enum");
        break;
      default:
        field.listKind = "scalar";
        field.scalar = type;
    }
    field.packed = isPackedField(proto, chain, file.edition);
    return field;
  }
  switch (type) {
    case TYPE_MESSAGE:
    case TYPE_GROUP:
      field.fieldKind = "message";
      field.message = resolveType(types, proto.typeName ?? "", what, "message");
      field.delimitedEncoding = isDelimitedEncoding(proto, chain, file.edition);
      break;
    case TYPE_ENUM:
      field.fieldKind = "enum";
      field.enum = resolveType(types, proto.typeName ?? "", what, "enum");
      break;
    default:
      if (!(type >= ScalarType.DOUBLE && type <= ScalarType.SINT64)) {
        throw new Error(`invalid descriptor: ${what} has unknown type ${type}`);
      }
      field.scalar = type;
  }
  field.presence = fieldPresence(proto, oneof !== undefined, chain, file.edition);
  field.hasPresence = field.presence !== FieldPresence.IMPLICIT;
  field.optional =
    file.edition === EDITION_PROTO2
      ? oneof === undefined && label === 1
      : file.edition === EDITION_PROTO3
        ? proto.proto3Optional === true
        : false;
  if (Object.hasOwn(proto, "defaultValue") && proto.defaultValue !== undefined && field.fieldKind !== "message") {
    field.defaultValue = parseDefaultValue(field, proto.defaultValue);
  }
  return field;
}

function addService(proto, file, path, ctx) {
  const comments = ctx.comments.get(file);
  const types = ctx.types;
  const name = proto.name ?? "";
  const desc = {
    kind: "service",
    name,
    typeName: qualify(name, undefined, file),
    fullName: "",
    file,
    methods: [],
    comments: commentsForPath(comments, path),
    deprecated: proto.options?.deprecated === true,
    proto,
    toString() {
      return `service ${this.typeName}`;
    },
  };
  desc.fullName = desc.typeName;
  (proto.method ?? []).forEach((methodProto, i) => {
    const methodName = methodProto.name ?? "";
    const clientStreaming = methodProto.clientStreaming === true;
    const serverStreaming = methodProto.serverStreaming === true;
    const what = `method ${desc.typeName}.${methodName}`;
    desc.methods.push({
      kind: "method",
      name: methodName,
      fullName: `${desc.typeName}/${methodName}`,
      service: desc,
      parent: desc,
      input: resolveType(types, methodProto.inputType ?? "", what, "message"),
      output: resolveType(types, methodProto.outputType ?? "", what, "message"),
      clientStreaming,
      serverStreaming,
      methodKind: clientStreaming
        ? serverStreaming
          ? "bidi_streaming"
          : "client_streaming"
        : serverStreaming
          ? "server_streaming"
          : "unary",
      idempotency: methodProto.options?.idempotencyLevel ?? 0,
      comments: commentsForPath(comments, [...path, SERVICE_METHOD, i]),
      deprecated: methodProto.options?.deprecated === true,
      proto: methodProto,
      toString() {
        return `rpc ${desc.typeName}.${methodName}`;
      },
    });
  });
  file.services.push(desc);
}
