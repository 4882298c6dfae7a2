// Per-message lookup of ProtoJSON keys: both the json name and the proto
// field name are accepted on input (ProtoJSON requires parsers to take both).
import { codecTable } from "../field-table.js";

const key = Symbol("protobuf.jsonNames");

export function jsonNameTable(desc) {
  let names = desc[key];
  if (names === undefined) {
    names = new Map();
    for (const e of codecTable(desc).entries) {
      names.set(e.field.name, e);
      names.set(e.field.jsonName, e);
    }
    Object.defineProperty(desc, key, { value: names, enumerable: false });
  }
  return names;
}
