// `octobus-sdk pack [DIR] [--out DIR] [--bundle-deps]`: an npm-style tarball
// (entries under `package/`, named `<name>-<version>.tgz`) of a service
// package, for `octobus service import ID ./pkg.tgz` on a host without a
// registry.
//
// The file selection is npm's (packlist.js), plus what the daemon needs
// even when `files` forgets it: every service.json, the proto files it names
// (and the package's protos they import), its config/secret schemas, and
// the bin targets. Such a file that `files` would leave out is packed anyway,
// with a warning, because `npm pack` would not pack it.
//
// --bundle-deps also packs the production dependency closure, read from the
// installed node_modules (bundle.js), under package/node_modules/ and lists
// the top-level ones in the packed package.json's bundleDependencies.
// Without it, package.json bundleDependencies are bundled, as npm does.
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";
import { checkPackageRelativePath } from "../package/manifest.js";
import { parseFlags } from "../runtime/args.js";
import { readPackageJson, resolveBundle, rootEdges } from "./bundle.js";
import { binTargets, packageFiles } from "./packlist.js";
import { writeTarball } from "./tar.js";

export const PACK_USAGE = `  pack      [DIR] [--out DIR] [--bundle-deps]
            write <name>-<version>.tgz of the package in DIR (default: the current
            directory) like npm pack; --bundle-deps adds its installed production
            dependencies under node_modules/ for hosts without a registry
`;

const SKIP_DIRS = new Set(["node_modules", ".git"]);

// npm's tarball name: "@scope/name" → "scope-name-<version>.tgz".
export function tarballName(name, version) {
  return `${name.replace(/^@/, "").replace(/\//, "-")}-${version}.tgz`;
}

// Directories holding a service.json (SPEC §2.3 discovery: not below
// node_modules, .git or dot directories, and not below another root).
export function findServiceRoots(dir, rel = "") {
  if (fs.existsSync(path.join(dir, "service.json"))) return [rel];
  const roots = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.isDirectory() || SKIP_DIRS.has(entry.name) || entry.name.startsWith(".")) continue;
    roots.push(...findServiceRoots(path.join(dir, entry.name), rel === "" ? entry.name : `${rel}/${entry.name}`));
  }
  return roots;
}

const join = (...parts) => path.posix.join(...parts.filter((p) => p !== ""));

function protoImports(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  const imports = [];
  const pattern = /\bimport\s+(?:(?:public|weak)\s+)?(["'])([^"']+)\1\s*;/g;
  for (let m = pattern.exec(code); m; m = pattern.exec(code)) imports.push(m[2]);
  return imports;
}

// The files one service root needs, relative to the package root: its
// service.json, proto files (and the package's protos they import, found
// through proto.roots; others such as google/protobuf/* come with protoc),
// and schemas. A named file that does not exist is an error.
export function serviceFiles(packageDir, root) {
  const manifestRel = join(root, "service.json");
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(packageDir, manifestRel), "utf8"));
  } catch (error) {
    throw new UsageError(`${manifestRel} cannot be read: ${error.message}`);
  }
  const referenced = new Map([[manifestRel, "the service manifest"]]);
  const need = (value, field) => {
    const rel = join(root, checkPackageRelativePath(value, `${manifestRel} ${field}`));
    const abs = path.join(packageDir, rel);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
      throw new UsageError(`${manifestRel} ${field} names ${JSON.stringify(value)}, which is not a file in ${packageDir}`);
    }
    if (!referenced.has(rel)) referenced.set(rel, `${field} of ${manifestRel}`);
    return rel;
  };
  const protoRoots = Array.isArray(manifest.proto?.roots) ? manifest.proto.roots.filter((r) => typeof r === "string") : [];
  const protoFiles = Array.isArray(manifest.proto?.files) ? manifest.proto.files : [];
  const pending = protoFiles.map((file) => need(file, "proto.files"));
  const seen = new Set(pending);
  while (pending.length > 0) {
    const rel = pending.pop();
    for (const imported of protoImports(fs.readFileSync(path.join(packageDir, rel), "utf8"))) {
      for (const protoRoot of protoRoots) {
        const candidate = join(root, path.posix.normalize(protoRoot), imported);
        if (candidate.startsWith("../") || !fs.existsSync(path.join(packageDir, candidate))) continue;
        if (!seen.has(candidate)) {
          seen.add(candidate);
          referenced.set(candidate, `a proto imported by ${rel}`);
          pending.push(candidate);
        }
        break;
      }
    }
  }
  for (const field of ["configSchema", "secretSchema"]) {
    if (manifest[field] !== undefined && manifest[field] !== null && manifest[field] !== "") need(manifest[field], field);
  }
  return referenced;
}

function parsePackArgs(args) {
  const positional = [];
  const flagArgs = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    flagArgs.push(arg);
    if (arg === "--out" && i + 1 < args.length) flagArgs.push(args[++i]);
  }
  if (positional.length > 1) throw new UsageError(`pack takes one package directory, got ${positional.map((p) => JSON.stringify(p)).join(" ")}`);
  const flags = parseFlags(flagArgs, { out: "string", "bundle-deps": "boolean" }, "pack");
  return { dir: positional[0], out: flags.out, bundleDeps: flags.bundleDeps === true };
}

const fileMode = (mode) => (mode & 0o111 ? 0o755 : 0o644);

// Builds and writes the tarball; returns { file, entries, bundled, warnings }.
export async function packPackage({ packageDir, outDir, bundleDeps = false, warn = () => {} }) {
  if (!fs.existsSync(packageDir) || !fs.statSync(packageDir).isDirectory()) {
    throw new UsageError(`${packageDir} is not a directory`);
  }
  const pkg = readPackageJson(packageDir);
  if (typeof pkg.name !== "string" || pkg.name.trim() === "") throw new UsageError(`${path.join(packageDir, "package.json")} has no "name"`);
  if (typeof pkg.version !== "string" || pkg.version.trim() === "") throw new UsageError(`${path.join(packageDir, "package.json")} has no "version"`);

  const roots = findServiceRoots(packageDir);
  if (roots.length === 0) throw new UsageError(`no service.json in ${packageDir} or its subdirectories: not a service package`);

  const files = packageFiles(packageDir, pkg);
  const packed = new Map(files.map((f) => [f.rel, f]));
  for (const target of binTargets(pkg.bin)) {
    const rel = path.posix.normalize(target.replace(/\\/g, "/")).replace(/^\/+/, "");
    const abs = path.join(packageDir, rel);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) throw new UsageError(`package.json bin target ${JSON.stringify(target)} is not a file in ${packageDir}`);
    if (!packed.has(rel)) packed.set(rel, { rel, abs, mode: fs.statSync(abs).mode });
    packed.get(rel).mode |= 0o111; // executed directly by the daemon
  }
  for (const root of roots) {
    for (const [rel, why] of serviceFiles(packageDir, root)) {
      if (packed.has(rel)) continue;
      warn(
        `${rel} (${why}) is excluded by package.json "files"; packed anyway, but \`npm pack\` and \`npm publish\` ` +
          `would leave it out — add it to "files"`,
      );
      const abs = path.join(packageDir, rel);
      packed.set(rel, { rel, abs, mode: fs.statSync(abs).mode });
    }
  }

  const edges = rootEdges(pkg, { all: bundleDeps });
  const bundle = edges.length > 0 ? resolveBundle({ rootDir: packageDir, rootPkg: pkg, edges, warn }) : [];
  let packageJson = fs.readFileSync(path.join(packageDir, "package.json"));
  if (bundle.length > 0) {
    const topLevel = new Set(bundle.filter((n) => !n.tarDir.slice("node_modules/".length).includes("/node_modules/")).map((n) => n.tarDir.slice("node_modules/".length)));
    const bundled = edges.map((e) => e.name).filter((name) => topLevel.has(name) && (pkg.dependencies?.[name] !== undefined || pkg.optionalDependencies?.[name] !== undefined));
    packageJson = Buffer.from(`${JSON.stringify({ ...pkg, bundleDependencies: bundled }, null, 2)}\n`);
  }

  const entries = [{ name: "package/package.json", mode: 0o644, source: packageJson }];
  for (const file of [...packed.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    if (file.rel === "package.json") continue;
    entries.push({ name: `package/${file.rel}`, mode: fileMode(file.mode), source: file.abs });
  }
  for (const node of bundle) {
    for (const file of packageFiles(node.realDir, node.pkg, { installed: !node.linked })) {
      entries.push({ name: `package/${node.tarDir}/${file.rel}`, mode: fileMode(file.mode), source: file.abs });
    }
  }

  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, tarballName(pkg.name, pkg.version));
  await writeTarball(file, entries);
  return { file, entries, bundle };
}

export async function runPack({ args, cwd, stdout, stderr }) {
  const options = parsePackArgs(args);
  const packageDir = path.resolve(cwd, options.dir ?? ".");
  const outDir = path.resolve(cwd, options.out ?? ".");
  const warn = (message) => stderr.write(`warning: ${message}\n`);
  const result = await packPackage({ packageDir, outDir, bundleDeps: options.bundleDeps, warn });
  const bundled = result.bundle.map((n) => `${n.pkg.name}@${n.pkg.version}`);
  stderr.write(
    `packed ${result.entries.length} files` +
      (bundled.length > 0 ? `, bundling ${bundled.length} ${bundled.length === 1 ? "dependency" : "dependencies"}: ${bundled.join(", ")}` : "") +
      "\n",
  );
  stdout.write(`${result.file}\n`);
}
