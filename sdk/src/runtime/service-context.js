import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";

export const SERVICE_CONTEXT_ENV = "OCTOBUS_SERVICE_CONTEXT";

// The `OCTOBUS_SERVICE_CONTEXT=` line of `<cwd>/.env`, quotes removed. No
// other .env key is read or injected (SPEC §11.6).
function readDotEnvValue(cwd) {
  const file = path.join(cwd, ".env");
  let text;
  try {
    if (!fs.statSync(file).isFile()) return undefined;
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return undefined;
    throw new UsageError(`.env cannot be read: ${error.message}`);
  }
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq < 0) continue;
    let key = trimmed.slice(0, eq).trim();
    if (key.startsWith("export ")) key = key.slice("export ".length).trim();
    if (key !== SERVICE_CONTEXT_ENV) continue;
    let value = trimmed.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value.at(-1) === value[0]) {
      value = value.slice(1, -1);
    }
    return value;
  }
  return undefined;
}

// The context for the business CLI and `--runtime dev`: the env variable when
// non-blank, else the .env line. It must be a JSON object with only `config`
// and/or `secret`; each present key replaces the matching flag value.
export function loadServiceContext({ env = process.env, cwd = process.cwd() } = {}) {
  const fromEnv = env[SERVICE_CONTEXT_ENV];
  const raw = fromEnv !== undefined && fromEnv.trim() !== "" ? fromEnv : readDotEnvValue(cwd);
  if (raw === undefined || raw.trim() === "") return {};
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${SERVICE_CONTEXT_ENV} is not valid JSON: ${error.message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new UsageError(`${SERVICE_CONTEXT_ENV} must be a JSON object with optional config and secret fields`);
  }
  for (const key of Object.keys(parsed)) {
    if (key !== "config" && key !== "secret") {
      throw new UsageError(`${SERVICE_CONTEXT_ENV} contains unsupported field ${JSON.stringify(key)}; only config and secret are allowed`);
    }
  }
  return parsed;
}

export function applyServiceContext({ config, secret, env, cwd }) {
  const context = loadServiceContext({ env, cwd });
  return {
    config: Object.hasOwn(context, "config") ? context.config : config,
    secret: Object.hasOwn(context, "secret") ? context.secret : secret,
  };
}
