import { readServiceManifest } from "./manifest.js";
import { findPackageDir } from "./package-root.js";
import { loadRegistry } from "./descriptors.js";

// Everything the runtime needs to know about the package it runs in.
export async function loadServicePackage({ env = process.env, cwd = process.cwd(), entryFile, packageDir } = {}) {
  const dir = packageDir ?? findPackageDir({ env, cwd, entryFile });
  const manifest = readServiceManifest(dir);
  const registry = await loadRegistry({ packageDir: dir, manifest, env });
  return { packageDir: dir, manifest, registry };
}

// "<name>@<version>" as used in UNIMPLEMENTED messages (SPEC §10).
export function packageIdentity(manifest) {
  return manifest.version ? `${manifest.name}@${manifest.version}` : manifest.name;
}
