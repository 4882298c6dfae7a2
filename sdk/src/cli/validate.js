import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { resolveBinEntry, readServiceManifest } from "../package/manifest.js";
import { loadRegistry } from "../package/descriptors.js";

// Check a package the way the daemon's import and the runtime will use it:
// manifest, bin entry, proto compilation, and the entry's handler keys
// against the proto methods. Returns { valid, issues, … }; issues are
// { level: "error"|"warning", message }.
export async function validatePackage({ packageDir, env = process.env, strict = false }) {
  const issues = [];
  const error = (message) => issues.push({ level: "error", message });
  const warning = (message) => issues.push({ level: "warning", message });
  const result = { packageDir, issues, unaryMethods: [], streamingMethods: [] };

  let manifest;
  try {
    manifest = readServiceManifest(packageDir);
  } catch (e) {
    error(e.message);
    return { ...result, valid: false };
  }

  let entry;
  try {
    if (!manifest.distribution) throw new Error("package.json not found at or above the service root");
    const { target } = resolveBinEntry(manifest.distribution.json, manifest.name);
    entry = path.resolve(manifest.distribution.dir, target);
    const stat = fs.statSync(entry, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      error(`package.json bin target ${target} does not exist`);
      entry = undefined;
    } else {
      if ((stat.mode & 0o111) === 0) warning(`${target} is not executable (the daemon executes it directly)`);
      if (!fs.readFileSync(entry, "utf8").startsWith("#!")) warning(`${target} has no #! line (the daemon executes it directly)`);
    }
  } catch (e) {
    error(e.message);
  }
  result.entry = entry;

  let registry;
  try {
    registry = await loadRegistry({ packageDir, manifest, env: { ...env, OCTOBUS_DESCRIPTOR_PATH: "" } });
  } catch (e) {
    error(e.message);
  }
  const methods = registry ? registry.services.flatMap((s) => s.methods) : [];
  result.unaryMethods = methods.filter((m) => m.methodKind === "unary").map((m) => m.fullName);
  result.streamingMethods = methods.filter((m) => m.methodKind !== "unary").map((m) => m.fullName);
  if (registry && methods.length === 0) warning("the proto files declare no service methods");

  if (entry && registry) {
    // The handler table only exists inside the entry, so ask it.
    const listed = spawnSync(process.execPath, [entry, "--runtime", "inspect", "--handlers"], {
      cwd: packageDir,
      env: { ...env, OCTOBUS_PACKAGE_DIR: packageDir },
      encoding: "utf8",
      timeout: 30_000,
    });
    let handlers;
    try {
      if (listed.status !== 0) {
        // The error line of a Node crash, not its stack.
        const lines = (listed.stderr || listed.error?.message || "").trim().split("\n");
        throw new Error(lines.find((l) => /^\w*Error\b/.test(l) || /^error: /.test(l)) ?? lines.at(-1));
      }
      handlers = JSON.parse(listed.stdout).handlers;
    } catch (e) {
      error(`cannot list the entry's handlers (is the package installed? run npm install): ${e.message}`);
    }
    if (handlers) {
      const known = new Set(methods.map((m) => m.fullName));
      for (const key of handlers) {
        if (!known.has(key)) error(`handler ${key} does not match any method in the proto files`);
      }
      const defined = new Set(handlers);
      for (const method of methods) {
        if (defined.has(method.fullName)) continue;
        const message = `${method.methodKind.replace("_", "-")} method ${method.fullName} has no handler (calls get UNIMPLEMENTED)`;
        if (strict && method.methodKind === "unary") error(message);
        else warning(message);
      }
    }
  }
  return { ...result, valid: !issues.some((i) => i.level === "error") };
}

export function formatValidation(result) {
  const lines = [result.valid ? "service package is valid" : "service package validation failed"];
  lines.push(`package: ${result.packageDir}`);
  if (result.entry) lines.push(`entry: ${result.entry}`);
  lines.push(`unary methods: ${result.unaryMethods.length}`, `streaming methods: ${result.streamingMethods.length}`);
  for (const issue of result.issues) lines.push(`${issue.level}: ${issue.message}`);
  return `${lines.join("\n")}\n`;
}
