// Map fields and Struct are plain objects keyed by data from the wire or from
// JSON. Assigning `obj["__proto__"] = v` would replace the object's prototype
// instead of adding an entry, so entries are written through this helper.
export function setEntry(obj, key, value) {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
