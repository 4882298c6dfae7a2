// `defineService({handlers})` keeps the handler table keyed by full method
// name, "pkg.Svc/Method"; a "/pkg.Svc/Method" key is accepted too because
// upstream packages use both spellings.

export function defineService(definition) {
  if (definition === null || typeof definition !== "object") {
    throw new TypeError("defineService expects an object with a handlers map");
  }
  const handlers = definition.handlers ?? {};
  if (handlers === null || typeof handlers !== "object") {
    throw new TypeError("defineService handlers must be an object keyed by \"pkg.Service/Method\"");
  }
  for (const [key, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") {
      throw new TypeError(`handler for ${JSON.stringify(key)} must be a function`);
    }
  }
  return { ...definition, handlers };
}

export function findHandler(service, fullName) {
  const handlers = service?.handlers ?? {};
  const name = fullName.startsWith("/") ? fullName.slice(1) : fullName;
  return handlers[name] ?? handlers[`/${name}`];
}

// The UNIMPLEMENTED message for a proto method without a handler (SPEC §10).
export function unimplementedMessage(fullName, identity) {
  return identity ? `method ${fullName} is not implemented by package ${identity}` : `method ${fullName} is not implemented`;
}

// The handler keys with any leading "/" removed, for validation and listing.
export function handlerMethodNames(service) {
  return Object.keys(service?.handlers ?? {}).map((k) => (k.startsWith("/") ? k.slice(1) : k));
}
