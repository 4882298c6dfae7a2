// Which files of a package directory go into its tarball, following npm's
// rules (npm-packlist over ignore-walk) closely enough for service packages:
//
// - default exclusions (.git, .svn, .hg, CVS, .DS_Store, ._*, *.orig,
//   .npmrc, npm-debug.log, .*.swp, .npmignore, .gitignore, …);
// - with a package.json `files` list: everything else is excluded unless
//   listed (a directory entry takes its whole tree, a glob what it matches,
//   a `!` entry excludes); without one: `.npmignore`, else `.gitignore`;
//   `.npmignore` (else `.gitignore`) files in subdirectories apply too;
// - always included: package.json, README*, LICENSE*/LICENCE*, COPYING*,
//   `main`, `browser` and every `bin` target; always excluded: /node_modules,
//   package-lock.json, yarn.lock, pnpm-lock.yaml;
// - patterns are gitignore-style, case-insensitive, and match dotfiles; a
//   pattern without a "/" (other than a trailing one) matches a name at any
//   depth; a directory that is excluded is not entered unless a negated
//   pattern with a "/" could match something inside it (so, as with npm,
//   `files: ["*.js"]` takes only top-level .js files).
//
// Unlike npm, symbolic links are followed and packed as the files (and
// directories) they point to, so a tarball never holds a link.
import fs from "node:fs";
import path from "node:path";

const DEFAULT_RULES = [
  ".npmignore",
  ".gitignore",
  "**/.git",
  "**/.svn",
  "**/.hg",
  "**/CVS",
  "**/.git/**",
  "**/.svn/**",
  "**/.hg/**",
  "**/CVS/**",
  "/.lock-wscript",
  "/.wafpickle-*",
  "/build/config.gypi",
  "npm-debug.log",
  "**/.npmrc",
  ".*.swp",
  ".DS_Store",
  "**/.DS_Store/**",
  "._*",
  "**/._*/**",
  "*.orig",
  "/archived-packages/**",
];

// --- patterns ---------------------------------------------------------------

// "a{b,c}d" → ["abd", "acd"] (nested braces too).
function expandBraces(pattern) {
  let depth = 0;
  let start = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) {
      const body = pattern.slice(start + 1, i);
      const alternatives = [];
      let level = 0;
      let from = 0;
      for (let j = 0; j < body.length; j++) {
        if (body[j] === "\\") j++;
        else if (body[j] === "{") level++;
        else if (body[j] === "}") level--;
        else if (body[j] === "," && level === 0) {
          alternatives.push(body.slice(from, j));
          from = j + 1;
        }
      }
      alternatives.push(body.slice(from));
      if (alternatives.length < 2) continue; // "{x}" is literal
      const head = pattern.slice(0, start);
      const tails = expandBraces(pattern.slice(i + 1));
      return alternatives.flatMap((alt) => expandBraces(head + alt).flatMap((h) => tails.map((t) => h + t)));
    }
  }
  return [pattern];
}

const escapeRegex = (c) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

// One path segment's glob → RegExp (`*`, `?`, `[…]`, `\x`).
function segmentRegex(segment) {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\" && i + 1 < segment.length) {
      source += escapeRegex(segment[++i]);
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else if (c === "[") {
      const end = segment.indexOf("]", i + 2);
      if (end < 0) {
        source += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      source += `[${negated ? "^" : ""}${body.replace(/\\/g, "\\\\").replace(/\]/g, "\\]")}]`;
      i = end;
    } else {
      source += escapeRegex(c);
    }
  }
  return new RegExp(`^${source}$`, "i");
}

// A gitignore-style rule: { negate, dirOnly, anchored, alternatives: [[segment matcher…]] }.
export function compileRule(line) {
  let text = line.trim();
  let negate = false;
  while (text.startsWith("!")) {
    negate = !negate;
    text = text.slice(1);
  }
  const dirOnly = text.endsWith("/");
  text = text.replace(/\/+$/, "");
  let anchored = text.startsWith("/");
  text = text.replace(/^\/+/, "").replace(/^(\.\/)+/, "");
  if (text.includes("/")) anchored = true;
  const alternatives = expandBraces(text).map((alt) =>
    alt.split("/").filter((s) => s !== "").map((s) => (s === "**" ? "**" : segmentRegex(s))),
  );
  return { negate, dirOnly, anchored, alternatives, source: line };
}

// Whether pattern segments match path segments; `partial`: the path is a
// directory and the pattern could still match something below it.
function matchSegments(pattern, pi, segments, si, partial) {
  while (pi < pattern.length) {
    const p = pattern[pi];
    if (p === "**") {
      if (pi === pattern.length - 1) return true;
      for (let k = si; k <= segments.length; k++) {
        if (matchSegments(pattern, pi + 1, segments, k, partial)) return true;
      }
      return false;
    }
    if (si >= segments.length) return partial;
    if (!p.test(segments[si])) return false;
    pi++;
    si++;
  }
  return si === segments.length;
}

function ruleMatches(rule, rel, isDir) {
  if (rule.dirOnly && !isDir) return false;
  const segments = rel.split("/");
  for (const alternative of rule.alternatives) {
    if (alternative.length === 0) continue;
    if (!rule.anchored) {
      if (matchSegments(alternative, 0, [segments.at(-1)], 0, false)) return true;
      continue;
    }
    if (matchSegments(alternative, 0, segments, 0, false)) return true;
    if (isDir && rule.negate && matchSegments(alternative, 0, segments, 0, true)) return true;
  }
  return false;
}

export function parseRules(text) {
  return text
    .split(/\r?\n/)
    .filter((line) => !/^#|^$/.test(line.trim()))
    .map(compileRule);
}

// --- one package --------------------------------------------------------------

const normalize = (file) => file.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/^\/+/, "");

function readIgnoreFile(dir) {
  for (const name of [".npmignore", ".gitignore"]) {
    try {
      return parseRules(fs.readFileSync(path.join(dir, name), "utf8"));
    } catch (error) {
      if (error.code !== "ENOENT" && error.code !== "EISDIR") throw error;
    }
  }
  return [];
}

export function binTargets(bin) {
  if (typeof bin === "string") return [bin];
  if (bin && typeof bin === "object") return Object.values(bin).filter((v) => typeof v === "string");
  return [];
}

// The rules of the package root: `files` (inverted), the ignore file when
// there is no `files`, and npm's strict rules. `installed`: a dependency
// installed from a registry tarball (npm applies only its `files` then).
function rootRules(dir, pkg, { installed }) {
  const rules = installed ? [] : DEFAULT_RULES.map(compileRule);
  const strict = ["/.git", "!/package.json", "!/readme{,.*[^~$]}", "!/copying{,.*[^~$]}", "!/license{,.*[^~$]}", "!/licence{,.*[^~$]}", "/.git", "/node_modules", ".npmrc", "/package-lock.json", "/yarn.lock", "/pnpm-lock.yaml"];
  const required = []; // explicit files of `files`, relative to the root
  if (Array.isArray(pkg.files)) {
    const inverted = ["*"];
    for (const raw of pkg.files) {
      if (typeof raw !== "string") continue;
      let file = raw.startsWith("./") ? raw.slice(1) : raw;
      if (file.endsWith("/*")) file += "*";
      const inverse = `!${file}`;
      let stat;
      try {
        stat = fs.lstatSync(path.join(dir, file.replace(/^!+/, "")));
      } catch {
        stat = undefined;
      }
      if (stat?.isFile()) {
        strict.unshift(inverse);
        required.push(normalize(file));
      } else if (stat?.isDirectory()) {
        inverted.push(inverse, `${inverse.replace(/\/+$/, "")}/**`);
      } else {
        inverted.push(inverse);
      }
    }
    rules.push(...inverted.map(compileRule));
  } else if (!installed) {
    rules.push(...readIgnoreFile(dir));
  }
  if (typeof pkg.browser === "string") strict.push(`!/${normalize(pkg.browser)}`);
  if (typeof pkg.main === "string") strict.push(`!/${normalize(pkg.main)}`);
  for (const target of binTargets(pkg.bin)) strict.push(`!/${normalize(target)}`);
  rules.push(...strict.map(compileRule));
  return { rules, required };
}

// Files of the package at `dir` (a package root holding package.json) as
// { rel, abs, mode } sorted by rel; root `node_modules` is never entered.
export function packageFiles(dir, pkg, { installed = false } = {}) {
  const root = rootRules(dir, pkg, { installed });
  const levels = [{ rel: "", rules: root.rules }];
  const files = [];
  const active = new Set(); // real paths of the directories being walked (link loops)

  const decide = (rel, isDir, chain) => {
    let included = true;
    for (const level of chain) {
      const local = level.rel === "" ? rel : rel.slice(level.rel.length + 1);
      for (const rule of level.rules) {
        if (rule.negate === included) continue;
        if (ruleMatches(rule, local, isDir)) included = rule.negate;
      }
      if (!included) return false;
    }
    return true;
  };

  const walk = (abs, rel, chain) => {
    const real = fs.realpathSync(abs);
    if (active.has(real)) return;
    active.add(real);
    let here = chain;
    if (rel !== "") {
      const rules = installed ? [] : [...DEFAULT_RULES.map(compileRule), ...readIgnoreFile(abs)];
      const required = root.required.filter((f) => f.startsWith(`${rel}/`)).map((f) => `!${f.slice(rel.length + 1)}`);
      if (rules.length > 0 || required.length > 0) {
        here = [...chain, { rel, rules: [...rules, ...["/.git", ...required].map(compileRule)] }];
      }
    }
    const entries = fs.readdirSync(abs).sort();
    for (const name of entries) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const childAbs = path.join(abs, name);
      if (rel === "" && name === "node_modules") continue;
      let stat;
      try {
        stat = fs.statSync(childAbs); // follows links
      } catch {
        continue; // a dangling link
      }
      if (stat.isDirectory()) {
        if (decide(childRel, true, here)) walk(childAbs, childRel, here);
      } else if (stat.isFile()) {
        if (decide(childRel, false, here)) files.push({ rel: childRel, abs: childAbs, mode: stat.mode });
      }
    }
    active.delete(real);
  };
  walk(dir, "", levels);
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
