// Service packages for tests: a temp copy of an example or fixture with its
// `file:` SDK dependency pointed at this checkout and installed offline, the
// way a developer (or the daemon's import) would install it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const sdkDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoDir = path.resolve(sdkDir, "..");
export const examplesDir = path.join(repoDir, "examples");
export const fixturesDir = path.join(sdkDir, "test", "fixtures");

export function makeTempDir(prefix = "octobus-sdk-test-") {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Copy `sourceDir` (without node_modules) into a new temp dir, rewrite
// relative `file:` dependencies to absolute paths, and `npm install --offline`.
// `linkSdk` also points a registry dependency on the SDK (a freshly
// bootstrapped package's "^x.y.z") at this checkout. Returns { dir, entry, cleanup }.
export function preparePackage(sourceDir, { binName, linkSdk = false } = {}) {
  const root = makeTempDir();
  try {
    const dir = path.join(root, path.basename(sourceDir));
    fs.cpSync(sourceDir, dir, {
      recursive: true,
      filter: (src) => !src.split(path.sep).includes("node_modules"),
    });
    const pkgFile = path.join(dir, "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
    for (const [name, spec] of Object.entries(pkg.dependencies ?? {})) {
      if (typeof spec === "string" && spec.startsWith("file:")) {
        pkg.dependencies[name] = `file:${path.resolve(sourceDir, spec.slice(5))}`;
      }
    }
    if (linkSdk) pkg.dependencies = { ...pkg.dependencies, "@chaitin-ai/octobus-sdk": `file:${sdkDir}` };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin[binName ?? Object.keys(pkg.bin)[0]];
    return {
      dir,
      entry: path.join(dir, bin),
      cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
    };
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

// protoc the way the daemon does at import (SPEC §3.3); returns the path.
export function compileDescriptor(packageDir, outDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, "service.json"), "utf8"));
  const out = path.join(outDir, "descriptor.protoset");
  execFileSync("protoc", [
    "--include_imports",
    "--include_source_info",
    `--descriptor_set_out=${out}`,
    ...manifest.proto.roots.map((r) => `-I${path.resolve(packageDir, r)}`),
    ...manifest.proto.files.map((f) => path.resolve(packageDir, f)),
  ]);
  return out;
}
