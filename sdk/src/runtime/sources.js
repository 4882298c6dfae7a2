import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";
import { Metadata, isOctobusControlKey } from "../metadata.js";
import { readFdToEnd } from "./fd-io.js";

export function parseJsonText(text, source) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${error.message}`);
  }
}

// Relative paths given on the command line resolve against --workdir (SPEC
// §11.4), which itself resolves against cwd.
export function readJsonFile(file, workdir, label) {
  const resolved = path.resolve(workdir, file);
  let text;
  try {
    text = fs.readFileSync(resolved, "utf8");
  } catch (error) {
    throw new UsageError(`${label} ${resolved} cannot be read: ${error.code === "ENOENT" ? "no such file" : error.message}`);
  }
  return parseJsonText(text, `${label} ${resolved}`);
}

// The value of `--x FILE` / `--x-json TEXT`, or `fallback` when neither is set.
export function readJsonSource({ file, json, workdir, label, fallback = {} }) {
  if (json !== undefined) return parseJsonText(json, `--${label}-json`);
  if (file !== undefined) return readJsonFile(file, workdir, label);
  return fallback;
}

export async function readSecret({ file, json, fd, workdir, fallback = {} }) {
  if (fd !== undefined) {
    const number = Number(fd);
    if (!Number.isInteger(number) || number < 0 || String(fd).trim() === "") {
      throw new UsageError(`--secret-fd must be a non-negative integer, got ${JSON.stringify(fd)}`);
    }
    let text;
    try {
      // The daemon hands the secret over as the read end of a pipe on fd 3
      // (SPEC §5.1); it is read to EOF and closed.
      text = (await readFdToEnd(number)).toString("utf8");
    } catch (error) {
      throw new UsageError(`--secret-fd ${number} cannot be read: ${error.code === "EBADF" ? "descriptor is not open" : error.message}`);
    }
    // The daemon writes "{}" for an empty secret; an empty pipe means the same.
    if (text.trim() === "") return {};
    return parseJsonText(text, `secret on fd ${number}`);
  }
  return readJsonSource({ file, json, workdir, label: "secret", fallback });
}

// Metadata JSON file (SPEC §11.4): an object of key → value or array of
// values; control keys (`x-octobus-*` but not `x-octobus-ext-*`) are dropped.
// `-bin` values are base64 text, as they travel in HTTP/2 headers.
export function metadataFromJson(raw, source) {
  const metadata = new Metadata();
  if (raw === null || raw === undefined) return metadata;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(`${source} must be a JSON object of metadata keys to values`);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (isOctobusControlKey(key)) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === null || item === undefined) continue;
      try {
        metadata.add(key, key.toLowerCase().endsWith("-bin") ? Buffer.from(String(item), "base64") : String(item));
      } catch (error) {
        throw new UsageError(`${source}: ${error.message}`);
      }
    }
  }
  return metadata;
}

export function readMetadataFile(file, workdir) {
  return metadataFromJson(readJsonFile(file, workdir, "metadata"), `metadata ${path.resolve(workdir, file)}`);
}
