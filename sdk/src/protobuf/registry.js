// Registry: every message, enum, service and method of a FileDescriptorSet,
// by fully-qualified name. The set is decoded with our own codec, bootstrapped
// from a hand-written description of descriptor.proto (descriptor-bootstrap.js),
// so no generated code is involved.
import { buildDescriptors } from "./desc-builder.js";
import { descriptorProtoBootstrap } from "./descriptor-bootstrap.js";
import { decodeMessage } from "./decode.js";
import { ProtobufError } from "./errors.js";

let bootstrap;

// Descriptors for google.protobuf.FileDescriptorSet itself, built once.
export function fileDescriptorSetDesc() {
  if (bootstrap === undefined) {
    const { types } = buildDescriptors([descriptorProtoBootstrap], undefined);
    bootstrap = types.get("google.protobuf.FileDescriptorSet");
  }
  return bootstrap;
}

function trimLeadingDot(name) {
  return name.startsWith(".") ? name.substring(1) : name;
}

export class Registry {
  // Use Registry.fromFileDescriptorSet / fromFileDescriptorProtos.
  constructor(fileProtos) {
    let built;
    try {
      built = buildDescriptors(fileProtos, this);
    } catch (e) {
      throw new ProtobufError(`invalid descriptor set: ${e.message}`, { cause: e });
    }
    this.files = built.files;
    this.services = built.files.flatMap((f) => f.services);
    this.types = built.types; // full name → MessageDesc | EnumDesc (map entries included)
    this.serviceByName = new Map(this.services.map((s) => [s.typeName, s]));
    this.methodByPath = new Map();
    for (const service of this.services) {
      for (const method of service.methods) this.methodByPath.set(method.fullName, method);
    }
    this.fileByName = new Map(this.files.map((f) => [f.name, f]));
  }

  // Bytes as written by `protoc --include_imports --descriptor_set_out`
  // (with or without --include_source_info).
  static fromFileDescriptorSet(bytes) {
    const set = decodeMessage(fileDescriptorSetDesc(), bytes);
    return new Registry(set.file);
  }

  // Already-decoded google.protobuf.FileDescriptorProto objects (protobuf-es
  // shape, camelCase properties), dependencies before dependents or not.
  static fromFileDescriptorProtos(fileProtos) {
    return new Registry(fileProtos);
  }

  getMessage(fullName) {
    const desc = this.types.get(trimLeadingDot(fullName));
    return desc !== undefined && desc.kind === "message" ? desc : undefined;
  }

  getEnum(fullName) {
    const desc = this.types.get(trimLeadingDot(fullName));
    return desc !== undefined && desc.kind === "enum" ? desc : undefined;
  }

  getService(fullName) {
    return this.serviceByName.get(trimLeadingDot(fullName));
  }

  // "pkg.Svc/Method" or "/pkg.Svc/Method".
  getMethod(path) {
    return this.methodByPath.get(path.startsWith("/") ? path.substring(1) : path);
  }

  getFile(name) {
    return this.fileByName.get(name);
  }
}
