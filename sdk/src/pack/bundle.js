// The production dependency closure of a package, read from what is
// installed, laid out as a node_modules tree for the tarball.
//
// Each dependency is looked up the way Node resolves a bare import at run
// time: `<dir>/node_modules/<name>` from the depending package's real
// directory upwards (a `file:` dependency is a symlink, so its own
// dependencies are found next to its real directory, not next to the link).
// Followed: `dependencies` (required), `optionalDependencies` and
// `peerDependencies` (when installed). Never `devDependencies`.
//
// Placement mirrors what resolution needs in the extracted tree: a package
// goes to the top-level node_modules unless a different package of the same
// name is already visible from where it is needed; then it is nested under
// the package that needs it. A package needed twice from places that see
// the same copy is stored once.
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";

const MAX_DEPTH = 40;

export function readPackageJson(dir, label = dir) {
  const file = path.join(dir, "package.json");
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") throw new UsageError(`no package.json in ${label}`);
    throw new UsageError(`cannot read ${file}: ${error.message}`);
  }
  try {
    const pkg = JSON.parse(text);
    if (pkg === null || typeof pkg !== "object" || Array.isArray(pkg)) throw new Error("not a JSON object");
    return pkg;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${error.message}`);
  }
}

const keysOf = (value) => (value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : []);

// [{ name, kind: "required" | "optional" | "peer" | "optional-peer" }], by name.
function dependencyEdges(pkg) {
  const edges = new Map();
  const optional = new Set(keysOf(pkg.optionalDependencies));
  for (const name of keysOf(pkg.dependencies)) edges.set(name, optional.has(name) ? "optional" : "required");
  for (const name of optional) edges.set(name, "optional");
  const peerMeta = pkg.peerDependenciesMeta ?? {};
  for (const name of keysOf(pkg.peerDependencies)) {
    if (!edges.has(name)) edges.set(name, peerMeta[name]?.optional ? "optional-peer" : "peer");
  }
  return [...edges].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, kind]) => ({ name, kind }));
}

// The root's edges to bundle: all production dependencies (--bundle-deps),
// or the names of package.json bundleDependencies (`true`: all of them).
export function rootEdges(pkg, { all }) {
  const edges = dependencyEdges(pkg);
  if (all) return edges;
  const listed = pkg.bundleDependencies ?? pkg.bundledDependencies;
  if (listed === true) return edges.filter((e) => e.kind === "required" || e.kind === "optional");
  if (!Array.isArray(listed)) return [];
  return listed.map((name) => ({ name, kind: edges.find((e) => e.name === name)?.kind === "optional" ? "optional" : "required" }));
}

// `<dir>/node_modules/<name>` from `fromDir` upwards, as Node looks it up.
function findInstalled(name, fromDir) {
  let dir = fromDir;
  for (;;) {
    if (path.basename(dir) !== "node_modules") {
      const candidate = path.join(dir, "node_modules", ...name.split("/"));
      if (fs.existsSync(path.join(candidate, "package.json"))) {
        return { realDir: fs.realpathSync(candidate), linked: fs.lstatSync(candidate).isSymbolicLink() };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// "node_modules/a/node_modules/@s/b" → ["node_modules/a/node_modules/@s/b", "node_modules/a", ""].
function levelsOf(tarDir) {
  const levels = [tarDir];
  let current = tarDir;
  while (current !== "") {
    const match = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+$/.exec(current);
    current = match ? current.slice(0, match.index) : "";
    levels.push(current);
  }
  return levels;
}

function describe(node) {
  const name = typeof node.pkg.name === "string" ? node.pkg.name : path.basename(node.realDir);
  return typeof node.pkg.version === "string" ? `${name}@${node.pkg.version}` : name;
}

// → [{ tarDir, realDir, pkg, linked }] (tarDir relative to the package root,
// e.g. "node_modules/@acme/greeting"), in placement order. `warn(message)`
// reports an installed-but-missing peer or optional dependency.
export function resolveBundle({ rootDir, rootPkg, edges, warn = () => {} }) {
  const rootReal = fs.realpathSync(rootDir);
  const root = { tarDir: "", realDir: rootReal, pkg: rootPkg, linked: false, edges };
  const placed = new Map([["", new Map()]]); // level tarDir → Map(name → realDir)
  const bundle = [];
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const { name, kind } of node.edges ?? dependencyEdges(node.pkg)) {
      const found = findInstalled(name, node.realDir);
      if (!found) {
        if (kind === "required") {
          const where = node === root ? rootDir : node.realDir;
          throw new UsageError(
            `dependency "${name}" of ${describe(node)} is not installed: no node_modules/${name} in ${where} or above; ` +
              `run \`npm install\` in ${where} first`,
          );
        }
        if (kind === "peer") warn(`peer dependency "${name}" of ${describe(node)} is not installed; not bundled`);
        continue;
      }
      if (found.realDir === rootReal) continue; // a dependency cycle back to the package itself
      let target = "";
      let reused = false;
      for (const level of levelsOf(node.tarDir)) {
        const existing = placed.get(level)?.get(name);
        if (existing === undefined) continue;
        if (existing === found.realDir) reused = true;
        else target = node.tarDir; // a different copy is visible: nest it
        break;
      }
      if (reused) continue;
      const tarDir = `${target === "" ? "" : `${target}/`}node_modules/${name}`;
      if (tarDir.split("/node_modules/").length > MAX_DEPTH) {
        throw new UsageError(`dependency tree too deep at ${tarDir} (a dependency cycle between different copies?)`);
      }
      if (!placed.has(target)) placed.set(target, new Map());
      placed.get(target).set(name, found.realDir);
      const child = { tarDir, realDir: found.realDir, pkg: readPackageJson(found.realDir), linked: found.linked };
      placed.set(tarDir, placed.get(tarDir) ?? new Map());
      bundle.push(child);
      queue.push(child);
    }
  }
  return bundle;
}
