// Message objects in the protobuf-es v2 shape: plain objects whose properties
// are the fields' local names, plus `$typeName`. This file creates empty ones
// and answers "is this field set" the way protobuf-es does.
import { FieldPresence } from "./features.js";
import { Op, Zero, codecTable } from "./field-table.js";
import { aliasPrototype } from "./proto-name-aliases.js";
import { isScalarZero } from "./scalar.js";

// A new message with every field unset. proto3 messages are plain objects;
// other syntaxes inherit explicit-presence defaults from a shared prototype
// (so `msg.x` reads `[default = …]` while `Object.hasOwn(msg, "x")` is false).
// With `aliases`, the prototype also carries the type's proto-name aliases
// (proto-name-aliases.js), for requests handed to handlers.
export function createZeroMessage(desc, aliases = false) {
  const table = codecTable(desc);
  const prototype = aliases ? aliasPrototype(table) : table.prototype;
  const msg = prototype !== undefined ? Object.create(prototype) : {};
  const { names, kinds, constants } = table.zeroMembers;
  for (let i = 0; i < names.length; i++) {
    switch (kinds[i]) {
      case Zero.ONEOF:
        msg[names[i]] = { case: undefined };
        break;
      case Zero.LIST:
        msg[names[i]] = [];
        break;
      case Zero.MAP:
        msg[names[i]] = {};
        break;
      case Zero.BYTES:
        msg[names[i]] = new Uint8Array(0);
        break;
      default:
        msg[names[i]] = constants[i];
    }
  }
  msg.$typeName = desc.typeName;
  return msg;
}

// True for a message object, optionally of the given type (by full name).
export function isMessage(value, desc) {
  if (value === null || typeof value !== "object" || typeof value.$typeName !== "string") return false;
  if (desc === undefined) return true;
  return value.$typeName === (typeof desc === "string" ? desc : desc.typeName);
}

// Is a (non-oneof) field set? Implicit presence: not the zero value; explicit
// presence: not undefined (and, outside proto3, an own property).
export function isEntrySet(table, e, msg) {
  const value = msg[e.name];
  switch (e.op) {
    case Op.SCALAR:
    case Op.ENUM:
      if (e.presence === FieldPresence.IMPLICIT) {
        return e.op === Op.ENUM ? value !== 0 && value !== undefined : value !== undefined && !isScalarZero(e.scalar, value);
      }
      return value !== undefined && (!table.usesPrototype || Object.hasOwn(msg, e.name));
    case Op.MESSAGE:
    case Op.WRAPPER:
      return value !== undefined && value !== null;
    case Op.LIST_SCALAR:
    case Op.LIST_ENUM:
    case Op.LIST_MESSAGE:
      return value !== undefined && value !== null && value.length > 0;
    case Op.MAP:
      if (value === undefined || value === null) return false;
      for (const _ in value) return true;
      return false;
  }
  return false;
}
