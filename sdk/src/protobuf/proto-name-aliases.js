// Proto-name aliases on the requests handed to handlers (upstream's
// `withProtoNameAliases`). Message properties are named by the field's local
// name (`account_id` → `accountId`), but handlers are written against the
// .proto they ship and upstream lets them read `request.account_id` too (and
// a custom json_name, `request.customAlias`).
//
// Upstream wraps each request in a Proxy. Here the aliases are accessors on a
// prototype built once per message type; messages decoded for handlers are
// created with it (decodeMessage / fromJson option `protoNameAliases`), nested
// ones included. So an alias costs nothing until it is read, a type without
// aliases keeps plain objects, and the aliases are never own properties: they
// stay out of Object.keys, JSON.stringify, spreads and deep equality of own
// properties, and toJson/encodeMessage (which read local names) are unchanged.
//
// Which names become aliases follows upstream exactly: a field's proto name
// and json name, unless the message already answers to that name (a field's or
// oneof's local name, `$typeName`, `$unknown`, anything on Object.prototype),
// or more than one field claims it (proto2 allows a json_name to repeat
// another field's name). Reading a oneof member's alias gives its value when
// that member is the current case, else undefined; assigning through an alias
// sets the field (or the oneof case), as upstream's Proxy does.

const noAliases = Symbol("protobuf.noAliases");

// The prototype for aliased messages of the table's type: the type's usual
// prototype (proto2 defaults) when it has no aliases.
export function aliasPrototype(table) {
  let prototype = table.aliasPrototype;
  if (prototype === undefined) {
    prototype = buildAliasPrototype(table) ?? noAliases;
    table.aliasPrototype = prototype;
  }
  return prototype === noAliases ? table.prototype : prototype;
}

function buildAliasPrototype(table) {
  const desc = table.desc;
  const taken = new Set(["$typeName", "$unknown"]);
  for (const field of desc.fields) taken.add(field.localName);
  for (const oneof of desc.oneofs) taken.add(oneof.localName);
  const claims = new Map();
  for (const field of desc.fields) {
    for (const name of new Set([field.name, field.jsonName])) {
      if (taken.has(name) || name in Object.prototype) continue;
      claims.set(name, [...(claims.get(name) ?? []), field]);
    }
  }
  const prototype = Object.create(table.prototype ?? Object.prototype);
  let count = 0;
  for (const [name, fields] of claims) {
    if (fields.length !== 1) continue;
    Object.defineProperty(prototype, name, { ...accessors(fields[0]), enumerable: false, configurable: true });
    count++;
  }
  return count > 0 ? prototype : undefined;
}

function accessors(field) {
  const local = field.localName;
  if (field.oneof === undefined) {
    return {
      get() {
        return this[local];
      },
      set(value) {
        this[local] = value;
      },
    };
  }
  const group = field.oneof.localName;
  return {
    get() {
      const current = this[group];
      return current !== undefined && current.case === local ? current.value : undefined;
    },
    set(value) {
      if (value !== undefined) {
        this[group] = { case: local, value };
      } else if (this[group]?.case === local) {
        // Clearing a member that is not the current case leaves the group alone.
        this[group] = { case: undefined };
      }
    },
  };
}
