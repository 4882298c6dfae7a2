import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";

export const SERVICE_SCHEMA = "chaitin.octobus.service.v1";
export const RUNTIME_MODES = ["long-running", "on-demand"];

function readJson(file, label) {
  let text;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${label} cannot be read: ${error.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${label} is not valid JSON: ${error.message}`);
  }
}

// SPEC §2.1 package-relative path rule: not blank, not absolute, no ".."
// segment, and not the root itself.
export function checkPackageRelativePath(value, field) {
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`${field} must be a non-empty string`);
  }
  if (path.isAbsolute(value)) throw new UsageError(`${field} ${JSON.stringify(value)} must be relative`);
  const segments = value.split(/[\\/]+/);
  if (segments.includes("..")) {
    throw new UsageError(`${field} ${JSON.stringify(value)} must not contain ".."`);
  }
  const cleaned = path.posix.normalize(value.replace(/\\/g, "/"));
  if (cleaned === "." || cleaned === "./") {
    throw new UsageError(`${field} ${JSON.stringify(value)} must name a path inside the package`);
  }
  return cleaned;
}

function checkStringArray(value, field) {
  if (!Array.isArray(value) || value.length === 0) {
    throw new UsageError(`${field} must be a non-empty array of strings`);
  }
  for (const item of value) checkPackageRelativePath(item, field);
  return value;
}

function checkRegularFile(packageDir, relative, field) {
  checkPackageRelativePath(relative, field);
  const full = path.resolve(packageDir, relative);
  let stat;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new UsageError(`${field} ${JSON.stringify(relative)} does not exist in ${packageDir}`);
  }
  if (!stat.isFile()) throw new UsageError(`${field} ${JSON.stringify(relative)} must be a regular file`);
  return full;
}

export function runtimeModeOf(manifest) {
  const runtime = manifest.runtime;
  if (runtime === undefined || runtime === null) return "long-running";
  if (typeof runtime !== "object" || Array.isArray(runtime)) {
    throw new UsageError("service.json runtime must be an object");
  }
  const mode = runtime.mode ?? "";
  if (mode === "") return "long-running";
  if (!RUNTIME_MODES.includes(mode)) {
    throw new UsageError(`invalid runtime.mode ${JSON.stringify(mode)}: must be long-running or on-demand`);
  }
  return mode;
}

// Read and validate `<packageDir>/service.json` (SPEC §2.1). The returned
// manifest carries `version` from service.json or else package.json, and
// `runtimeMode` resolved from `runtime`.
export function readServiceManifest(packageDir) {
  const file = path.join(packageDir, "service.json");
  const manifest = readJson(file, `service.json in ${packageDir}`);
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new UsageError("service.json must be a JSON object");
  }
  if (manifest.schema !== SERVICE_SCHEMA) {
    throw new UsageError(`service.json schema must be ${SERVICE_SCHEMA}`);
  }
  if (typeof manifest.name !== "string" || manifest.name.trim() === "") {
    throw new UsageError("service.json name must be a non-empty string");
  }
  if (Object.hasOwn(manifest, "id")) {
    throw new UsageError("service.json must not define top-level id; the service id is given at import");
  }
  if (manifest.entry !== undefined && manifest.entry !== null && manifest.entry !== "") {
    throw new UsageError("service manifest must not define entry; use package.json bin");
  }
  if (!manifest.proto || typeof manifest.proto !== "object") {
    throw new UsageError("service.json proto is required");
  }
  checkStringArray(manifest.proto.roots, "service.json proto.roots");
  checkStringArray(manifest.proto.files, "service.json proto.files");
  const configSchemaPath = manifest.configSchema
    ? checkRegularFile(packageDir, manifest.configSchema, "service.json configSchema")
    : undefined;
  const secretSchemaPath = manifest.secretSchema
    ? checkRegularFile(packageDir, manifest.secretSchema, "service.json secretSchema")
    : undefined;
  const distribution = findDistributionPackage(packageDir);
  return {
    ...manifest,
    version: manifest.version ?? distribution?.json.version,
    runtimeMode: runtimeModeOf(manifest),
    configSchemaPath,
    secretSchemaPath,
    distribution,
  };
}

// The distribution package is the nearest package.json at or above the
// service root: with `SOURCE//dir` imports the service root is a
// sub-directory and `bin`/`version` live at the distribution root (SPEC §2.2).
export function findDistributionPackage(packageDir) {
  let dir = path.resolve(packageDir);
  while (true) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) return { dir, json: readJson(file, `package.json in ${dir}`) };
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// The bin entry for a service (SPEC §2.2): a string bin, or the key equal to
// service.json `name` in an object bin.
export function resolveBinEntry(packageJson, serviceName) {
  const bin = packageJson?.bin;
  if (typeof bin === "string") return { command: commandNameOf(packageJson.name), target: bin };
  if (bin && typeof bin === "object") {
    if (!Object.hasOwn(bin, serviceName)) {
      throw new UsageError(`package.json bin missing entry for service ${JSON.stringify(serviceName)}`);
    }
    const target = bin[serviceName];
    if (typeof target !== "string" || target.trim() === "") {
      throw new UsageError(`package.json bin ${JSON.stringify(serviceName)} target must be a non-empty string`);
    }
    return { command: serviceName, target };
  }
  throw new UsageError("package.json bin is required");
}

function commandNameOf(packageName) {
  if (typeof packageName !== "string" || packageName === "") return "service";
  return packageName.includes("/") ? packageName.slice(packageName.lastIndexOf("/") + 1) : packageName;
}
