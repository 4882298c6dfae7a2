// Which argument list a handler expects. The upstream SDK calls every handler
// with one context object, `handler(ctx)`; some published packages write
// (and unit-test) their handlers as `(request, ctx) => …` instead. The style
// is read from the handler's declared parameter list, once per function:
//
//   1. First parameter a plain identifier named `ctx` or `context`   → "context"
//   2. Two or more declared parameters (defaults, destructuring
//      patterns and a rest parameter all count; Function.length
//      stops at the first default, so it is not used)              → "request"
//   3. Anything else: no parameters, one parameter of any form
//      (`ctx`, `req`, `({ request, config })`, `...args`)           → "context"
//   4. Source without a parameter list (bound and native functions,
//      proxies): Function.length ≥ 2 → "request", else "context".
//
// "context": handler(ctx). "request": handler(ctx.request, ctx) for unary
// and server-streaming methods, handler(ctx.requests, ctx) for client- and
// bidi-streaming ones.

export const CONTEXT_STYLE = "context";
export const REQUEST_FIRST_STYLE = "request";

const CONTEXT_NAMES = new Set(["ctx", "context"]);
const ID_START = /[\p{ID_Start}$_\\]/u;
const ID_PART = /[\p{ID_Continue}$\u200c\u200d\\]/u;
const OPENERS = { "(": ")", "[": "]", "{": "}" };
// After these tokens a "/" starts a regular expression, not a division.
const REGEX_AFTER_WORDS = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);

// A tokenizer just good enough for a function's head: identifiers,
// punctuators, and string/template/regex/number literals as opaque tokens;
// comments and whitespace dropped. It stops where the caller stops asking.
function* tokens(source) {
  let i = 0;
  let prev; // the previous significant token, for the regex-or-division choice
  const braces = []; // open "{" inside template substitutions: a stack of depths
  const n = source.length;

  const readQuoted = (quote) => {
    let j = i + 1;
    while (j < n && source[j] !== quote) {
      if (source[j] === "\\") j++;
      j++;
    }
    return j + 1;
  };
  // From just after a "`" or a substitution's "}": to the end of the
  // template, or to the next "${" (then true: a substitution follows).
  const readTemplate = (from) => {
    let j = from;
    while (j < n) {
      if (source[j] === "\\") j += 2;
      else if (source[j] === "`") return { end: j + 1, substitution: false };
      else if (source[j] === "$" && source[j + 1] === "{") return { end: j + 2, substitution: true };
      else j++;
    }
    return { end: n, substitution: false };
  };

  while (i < n) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    let token;
    if (c === '"' || c === "'") {
      const end = readQuoted(c);
      token = { type: "literal", value: source.slice(i, end) };
      i = end;
    } else if (c === "`") {
      const { end, substitution } = readTemplate(i + 1);
      if (substitution) braces.push(0);
      token = { type: "literal", value: "`" };
      i = end;
    } else if (c === "}" && braces.length > 0 && braces.at(-1) === 0) {
      // The end of a template substitution: the template continues.
      braces.pop();
      const { end, substitution } = readTemplate(i + 1);
      if (substitution) braces.push(0);
      token = { type: "literal", value: "`" };
      i = end;
    } else if (c === "/" && regexAllowed(prev)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && (inClass || source[j] !== "/")) {
        if (source[j] === "\\") j++;
        else if (source[j] === "[") inClass = true;
        else if (source[j] === "]") inClass = false;
        j++;
      }
      j++;
      while (j < n && ID_PART.test(source[j])) j++; // flags
      token = { type: "literal", value: source.slice(i, j) };
      i = j;
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(source[i + 1] ?? ""))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(source[j])) j++;
      token = { type: "literal", value: source.slice(i, j) };
      i = j;
    } else if (ID_START.test(c) || c === "#") {
      let j = i + 1;
      while (j < n && ID_PART.test(source[j])) j++;
      token = { type: "name", value: source.slice(i, j) };
      i = j;
    } else if (source.startsWith("...", i)) {
      token = { type: "punct", value: "..." };
      i += 3;
    } else if (source.startsWith("=>", i)) {
      token = { type: "punct", value: "=>" };
      i += 2;
    } else {
      if (braces.length > 0) {
        if (c === "{") braces[braces.length - 1]++;
        else if (c === "}") braces[braces.length - 1]--;
      }
      token = { type: "punct", value: c };
      i++;
    }
    prev = token;
    yield token;
  }
}

function regexAllowed(prev) {
  if (prev === undefined) return true;
  if (prev.type === "literal") return false;
  if (prev.type === "name") return REGEX_AFTER_WORDS.has(prev.value);
  return prev.value !== ")" && prev.value !== "]" && prev.value !== "}";
}

// The tokens of a balanced group whose opener was just consumed; the
// closer is consumed too and not returned.
function takeGroup(iterator, opener) {
  const stack = [OPENERS[opener]];
  const inside = [];
  for (let step = iterator.next(); !step.done; step = iterator.next()) {
    const token = step.value;
    if (token.type === "punct") {
      if (OPENERS[token.value]) stack.push(OPENERS[token.value]);
      else if (token.value === stack.at(-1)) {
        stack.pop();
        if (stack.length === 0) return inside;
      }
    }
    inside.push(token);
  }
  return undefined; // unbalanced: not a parameter list we understand
}

// The declared parameters, each as its list of tokens, or undefined when
// the source has no parameter list we can read.
export function parameterTokens(source) {
  // `function f() { [native code] }`: built-ins, bound functions, proxies.
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) return undefined;
  const iterator = tokens(source);
  let previous;
  for (let step = iterator.next(); !step.done; step = iterator.next()) {
    const token = step.value;
    if (token.type === "name" && token.value === "class" && previous === undefined) return undefined;
    if (token.type === "punct") {
      // `x => …` / `async x => …`: one identifier parameter.
      if (token.value === "=>") return previous?.type === "name" ? [[previous]] : undefined;
      // A computed method key, `["pkg.Svc/M"](ctx) {…}`: skip it.
      if (token.value === "[") {
        if (takeGroup(iterator, "[") === undefined) return undefined;
        previous = { type: "literal", value: "[]" };
        continue;
      }
      if (token.value === "(") {
        const inside = takeGroup(iterator, "(");
        return inside === undefined ? undefined : splitParameters(inside);
      }
      if (token.value !== "*") return undefined; // `{` of native code, `.`, …
    }
    previous = token;
  }
  return undefined;
}

function splitParameters(inside) {
  const params = [];
  let current = [];
  let depth = 0;
  for (const token of inside) {
    if (token.type === "punct") {
      if (OPENERS[token.value]) depth++;
      else if (token.value === ")" || token.value === "]" || token.value === "}") depth--;
      else if (token.value === "," && depth === 0) {
        params.push(current);
        current = [];
        continue;
      }
    }
    current.push(token);
  }
  if (current.length > 0) params.push(current); // a trailing comma leaves none
  return params;
}

function decide(fn) {
  let source;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    source = undefined;
  }
  const params = source === undefined ? undefined : parameterTokens(source);
  if (params === undefined) return fn.length >= 2 ? REQUEST_FIRST_STYLE : CONTEXT_STYLE;
  const [first] = params;
  if (first?.[0]?.type === "name" && CONTEXT_NAMES.has(first[0].value)) return CONTEXT_STYLE;
  return params.length >= 2 ? REQUEST_FIRST_STYLE : CONTEXT_STYLE;
}

const styles = new WeakMap();

// "context" or "request" for a handler function, decided once per function.
export function handlerStyle(fn) {
  let style = styles.get(fn);
  if (style === undefined) {
    style = decide(fn);
    styles.set(fn, style);
  }
  return style;
}

// Call a handler in its style with a HandlerContext (which holds exactly one
// of `request` and `requests`).
export function callHandler(handler, ctx) {
  if (handlerStyle(handler) === CONTEXT_STYLE) return handler(ctx);
  return handler(Object.hasOwn(ctx, "requests") ? ctx.requests : ctx.request, ctx);
}
