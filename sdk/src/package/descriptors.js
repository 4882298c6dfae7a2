import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";
import { Registry } from "../protobuf/registry.js";

// The FileDescriptorSet of a package: the one the daemon compiled at import
// (`$OCTOBUS_DESCRIPTOR_PATH`), else protoc run here on service.json's proto
// roots and files, with the same flags the daemon uses (SPEC §3.3) so both
// paths name files identically.
export async function loadDescriptorSetBytes({ packageDir, manifest, env = process.env }) {
  if (env.OCTOBUS_DESCRIPTOR_PATH) {
    const file = path.resolve(env.OCTOBUS_DESCRIPTOR_PATH);
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new UsageError(`cannot read OCTOBUS_DESCRIPTOR_PATH ${file}: ${error.message}`);
    }
  }
  return compileDescriptorSet({ packageDir, manifest, env });
}

// node:child_process (and with it net, dgram, streams) is loaded only when
// protoc must run, which the daemon's instances never need.
export async function compileDescriptorSet({ packageDir, manifest, env = process.env }) {
  const [{ spawnSync }, { default: os }] = await Promise.all([import("node:child_process"), import("node:os")]);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "octobus-descriptor-"));
  const out = path.join(outDir, "descriptor.protoset");
  const args = [
    "--include_imports",
    "--include_source_info",
    `--descriptor_set_out=${out}`,
    ...manifest.proto.roots.map((root) => `-I${path.resolve(packageDir, root)}`),
    ...manifest.proto.files.map((file) => path.resolve(packageDir, file)),
  ];
  try {
    const result = spawnSync(env.OCTOBUS_PROTOC ?? "protoc", args, { encoding: "utf8", env });
    if (result.error) {
      const reason = result.error.code === "ENOENT" ? "protoc was not found on PATH" : result.error.message;
      throw new UsageError(
        `cannot compile proto descriptors: ${reason} (install protoc, or set OCTOBUS_DESCRIPTOR_PATH to a compiled descriptor set)`,
      );
    }
    if (result.status !== 0) {
      throw new UsageError(
        `protoc failed for ${manifest.proto.files.join(", ")}: ${(result.stderr || result.stdout || "").trim()}`,
      );
    }
    return fs.readFileSync(out);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

export async function loadRegistry(options) {
  const bytes = await loadDescriptorSetBytes(options);
  try {
    return Registry.fromFileDescriptorSet(bytes);
  } catch (error) {
    throw new UsageError(`invalid protobuf descriptor set: ${error.message}`, { cause: error });
  }
}
