import fs from "node:fs";
import { UsageError } from "../errors/usage-error.js";
import { readServiceManifest } from "../package/manifest.js";
import { handlerMethodNames } from "../service.js";
import { toYaml } from "./yaml.js";

function render(value, format) {
  return format === "yaml" ? toYaml(value) : `${JSON.stringify(value, null, 2)}\n`;
}

export function inspectSummary(manifest) {
  return { schema: manifest.schema, name: manifest.name, version: manifest.version ?? "", proto: manifest.proto };
}

// `inspect`: package metadata, one of its schemas, or (for `octobus-sdk
// validate`) the handler keys the entry defines. Needs no protoc.
export function runInspect({ command, packageDir, service, stdout }) {
  if (command.handlers) {
    stdout.write(render({ handlers: handlerMethodNames(service).sort() }, command.format));
    return;
  }
  const manifest = readServiceManifest(packageDir);
  if (!command.schema) {
    stdout.write(render(inspectSummary(manifest), command.format));
    return;
  }
  const file = command.schema === "config" ? manifest.configSchemaPath : manifest.secretSchemaPath;
  if (!file) {
    throw new UsageError(`service.json does not declare ${command.schema}Schema`);
  }
  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${command.schema} schema ${file} is not valid JSON: ${error.message}`);
  }
  stdout.write(render(schema, command.format));
}
