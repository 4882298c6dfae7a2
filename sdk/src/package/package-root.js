import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";

function findUpward(start) {
  let dir = path.resolve(start);
  while (true) {
    if (fs.existsSync(path.join(dir, "service.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

// SPEC §11.3: `$OCTOBUS_PACKAGE_DIR` (must hold service.json), else the
// nearest ancestor holding service.json from the entry file's real directory,
// then from cwd.
export function findPackageDir({ env = process.env, cwd = process.cwd(), entryFile } = {}) {
  if (env.OCTOBUS_PACKAGE_DIR) {
    const dir = path.resolve(env.OCTOBUS_PACKAGE_DIR);
    if (!fs.existsSync(path.join(dir, "service.json"))) {
      throw new UsageError(`OCTOBUS_PACKAGE_DIR ${dir} does not contain service.json`);
    }
    return dir;
  }
  const starts = [];
  if (entryFile) {
    try {
      starts.push(path.dirname(fs.realpathSync(path.resolve(entryFile))));
    } catch {
      starts.push(path.dirname(path.resolve(entryFile)));
    }
  }
  starts.push(cwd);
  for (const start of starts) {
    const found = findUpward(start);
    if (found) return found;
  }
  throw new UsageError(`service.json not found above ${starts.join(" or ")}`);
}
