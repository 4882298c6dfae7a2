// Naming rules that decide property names of message objects. They follow
// protobuf-es v2 exactly, because handler code written against the upstream
// SDK reads `request.someField` and must find it here under the same name.

// snake_case → lowerCamelCase as protoc derives JSON names: an underscore
// upper-cases the next letter and is dropped; a digit resets the flag.
export function protoCamelCase(snakeCase) {
  let capNext = false;
  let out = "";
  for (let i = 0; i < snakeCase.length; i++) {
    let c = snakeCase.charAt(i);
    if (c === "_") {
      capNext = true;
    } else if (c >= "0" && c <= "9") {
      out += c;
      capNext = false;
    } else {
      if (capNext) {
        capNext = false;
        c = c.toUpperCase();
      }
      out += c;
    }
  }
  return out;
}

// Property names that would shadow built-ins of every JS object; protobuf-es
// appends "$" to them.
const reservedObjectProperties = new Set(["constructor", "toString", "toJSON", "valueOf"]);

export function safeObjectProperty(name) {
  return reservedObjectProperties.has(name) ? name + "$" : name;
}

// The property name of a field or oneof in a message object.
export function fieldLocalName(protoName) {
  return safeObjectProperty(protoCamelCase(protoName));
}

// lowerCamelCase / UpperCamelCase → lower_snake_case (for enum prefixes).
function camelToSnakeCase(camel) {
  return (camel.substring(0, 1) + camel.substring(1).replace(/[A-Z]/g, (c) => "_" + c)).toLowerCase();
}

// A prefix shared by all values of an enum, e.g. "my_enum_" for
// `enum MyEnum { MY_ENUM_A = 0; MY_ENUM_B = 1; }`; protobuf-es strips it to
// form the value's local (generated-code) name.
export function findEnumSharedPrefix(enumName, valueNames) {
  const prefix = camelToSnakeCase(enumName) + "_";
  for (const name of valueNames) {
    if (!name.toLowerCase().startsWith(prefix)) return undefined;
    const shortName = name.substring(prefix.length);
    if (shortName.length === 0 || /^\d/.test(shortName)) return undefined;
  }
  return prefix;
}

// FieldMask paths are snake_case in binary and lowerCamelCase in JSON. The
// conversion must be reversible, so names that cannot round-trip are errors.
export function fieldMaskPathToJson(path) {
  if (/_[0-9]?_/.test(path) || /[A-Z]/.test(path)) return undefined;
  return protoCamelCase(path);
}

export function fieldMaskPathFromJson(path) {
  if (path.includes("_")) return undefined;
  const snake = path.replace(/[A-Z]/g, (letter) => "_" + letter.toLowerCase());
  return snake[0] === "_" ? snake.substring(1) : snake;
}
