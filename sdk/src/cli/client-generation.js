import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors/usage-error.js";
import { loadDescriptorSetBytes } from "../package/descriptors.js";
import { readServiceManifest } from "../package/manifest.js";
import { encodeMessage } from "../protobuf/encode.js";
import { decodeMessage } from "../protobuf/decode.js";
import { messageJsonSchema } from "../protobuf/json-schema.js";
import { Registry, fileDescriptorSetDesc } from "../protobuf/registry.js";
import { parseFlags } from "../runtime/args.js";
import { bundleModules } from "./module-bundler.js";

// `client-stub` / `client-package` (SPEC §11.4): a dependency-free ESM client
// for every service in the package's descriptor set.
//
//   client-stub    --transport connect|grpc [--base-url URL] [--factory NAME] [--out FILE]
//   client-package --transport connect|grpc [--base-url URL] [--factory NAME] --out DIR [--name NPM_NAME] [--force]
//
// Connect clients (the default) call each unary method with JSON over fetch
// and run in Node ≥ 18 and browsers. gRPC clients speak binary gRPC over
// node:http2 (all four method kinds) and carry the SDK's own protobuf codec,
// inlined, plus the package's descriptors. See sdk/README.md for the API.

export const CLIENT_FLAGS = {
  transport: "string",
  "base-url": "string",
  out: "string",
  factory: "string",
  name: "string",
  force: "boolean",
};

export const CLIENT_USAGE = `  client-stub    [--transport connect|grpc] [--base-url URL] [--factory NAME] [--out FILE]
                 print (or write) one dependency-free ESM module with a client for the
                 package's services (default transport: connect)
  client-package [--transport connect|grpc] [--base-url URL] [--factory NAME] --out DIR
                 [--name NPM_NAME] [--force]
                 write an npm package directory with that client
`;

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function sdkVersion() {
  return JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
}

export function parseClientFlags(command, args) {
  const flags = parseFlags(args, CLIENT_FLAGS, command);
  const transport = flags.transport ?? "connect";
  if (transport !== "connect" && transport !== "grpc") {
    throw new UsageError(`--transport must be connect or grpc, got ${JSON.stringify(transport)}`);
  }
  const factory = flags.factory ?? "createClient";
  if (!IDENTIFIER.test(factory) || factory === "services" || factory === "default") {
    throw new UsageError(`--factory must be a JavaScript identifier, got ${JSON.stringify(factory)}`);
  }
  if (flags.baseUrl !== undefined) {
    try {
      new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(flags.baseUrl) ? flags.baseUrl : `http://${flags.baseUrl}`);
    } catch {
      throw new UsageError(`--base-url is not a URL: ${JSON.stringify(flags.baseUrl)}`);
    }
  }
  if (command === "client-package") {
    if (flags.out === undefined) throw new UsageError("client-package requires --out DIR");
    if (flags.name !== undefined && !NPM_NAME.test(flags.name)) throw new UsageError(`--name is not a valid npm package name: ${flags.name}`);
  } else {
    if (flags.name !== undefined) throw new UsageError("--name is for client-package");
    if (flags.force !== undefined) throw new UsageError("--force is for client-package");
  }
  return { transport, factory, baseUrl: flags.baseUrl, out: flags.out, name: flags.name, force: flags.force === true };
}

// The descriptor set without source_code_info (comments are not needed at
// run time and are most of its size).
export function stripSourceInfo(bytes) {
  const desc = fileDescriptorSetDesc();
  const set = decodeMessage(desc, bytes);
  for (const file of set.file) delete file.sourceCodeInfo;
  return encodeMessage(desc, set);
}

function commentLines(method, indent) {
  const raw = method.comments?.leading ?? method.comments?.trailing;
  if (raw === undefined) return "";
  const lines = raw
    .split("\n")
    .map((line) => line.replace(/^ /, "").trimEnd())
    .filter((line, i, all) => line !== "" || (i > 0 && i < all.length - 1));
  if (lines.length === 0) return "";
  return lines.map((line) => `${indent}// ${line.replace(/\*\//g, "* /")}`).join("\n") + "\n";
}

// full service name → method name → { path, kind, input, output }
function serviceTable(registry, transport) {
  const table = [];
  for (const service of registry.services) {
    const methods = service.methods.filter((m) => transport === "grpc" || m.methodKind === "unary");
    if (methods.length > 0) table.push({ service, methods });
  }
  return table;
}

function renderServices(table) {
  const lines = ["export const services = {"];
  for (const { service, methods } of table) {
    lines.push(`  ${JSON.stringify(service.typeName)}: {`);
    for (const m of methods) {
      lines.push(
        commentLines(m, "    ") +
          `    ${JSON.stringify(m.name)}: { path: ${JSON.stringify(`/${m.fullName}`)}, kind: ${JSON.stringify(m.methodKind)}, ` +
          `input: ${JSON.stringify(m.input.typeName)}, output: ${JSON.stringify(m.output.typeName)} },`,
      );
    }
    lines.push("  },");
  }
  lines.push("};");
  return lines.join("\n");
}

function base64Chunks(bytes) {
  const text = Buffer.from(bytes).toString("base64");
  const chunks = [];
  for (let i = 0; i < text.length; i += 100) chunks.push(JSON.stringify(text.slice(i, i + 100)));
  return `[\n  ${chunks.join(",\n  ")},\n].join("")`;
}

// The module text. `descriptorFile`: read the descriptor set from that file
// next to the module (client-package) instead of embedding it.
export function generateClientModule({ manifest, registry, descriptor, transport, factory, baseUrl, descriptorFile, command = "client-stub" }) {
  const identity = manifest.version ? `${manifest.name}@${manifest.version}` : manifest.name;
  const table = serviceTable(registry, transport);
  const grpc = transport === "grpc";
  const runtime = grpc ? "client/grpc-client.js" : "client/connect-client.js";
  const bundle = bundleModules([runtime]);
  const imports = [...bundle.imports];
  if (grpc && descriptorFile !== undefined && !imports.some((i) => i.startsWith("import fs "))) imports.push('import fs from "node:fs";');
  const header = [
    `// ${grpc ? "gRPC" : "Connect"} client for ${identity}, generated by @chaitin-ai/octobus-sdk ${sdkVersion()}`,
    `// (\`${command} --transport ${transport}\`). Do not edit: regenerate it from the service package.`,
    "//",
    grpc
      ? "// Dependency-free ESM for Node >= 20 (node:http2). Requests: ProtoJSON objects or protobuf-es init\n" +
        "// objects; responses: ProtoJSON objects. Errors: GrpcError {code, codeName, message, metadata}."
      : "// Dependency-free ESM for any runtime with fetch (Node >= 18, browsers). Requests and responses are\n" +
        "// ProtoJSON objects. Errors: ConnectError {code, message, status, details}.",
    "//",
    `//   import { ${factory} } from "./<this file>";`,
    `//   const client = ${factory}(${baseUrl === undefined ? `{ baseUrl: "${grpc ? "http://127.0.0.1:50051" : "http://127.0.0.1:8080"}" }` : ""});`,
    ...(table.length > 0 && table[0].methods.length > 0
      ? [`//   await client.services[${JSON.stringify(table[0].service.typeName)}].${table[0].methods[0].name}({ … });`]
      : []),
    "",
  ].join("\n");

  const parts = [header];
  if (imports.length > 0) parts.push(imports.join("\n"));
  parts.push(`// ---- runtime, inlined from the SDK's sources ----\n\n${bundle.code}`);
  parts.push(`// ---- ${identity} ----`);
  parts.push(renderServices(table));
  if (grpc) {
    const source =
      descriptorFile !== undefined
        ? `fs.readFileSync(new URL(${JSON.stringify(`./${descriptorFile}`)}, import.meta.url))`
        : `Buffer.from(${base64Chunks(descriptor)}, "base64")`;
    parts.push(
      `// The package's FileDescriptorSet (protoc --include_imports, without source info).\n` +
        `const defaults = { baseUrl: ${JSON.stringify(baseUrl)}, descriptor: ${source} };\n\n` +
        `const { createGrpcClient, GrpcClientError, CODE_NAMES } = ${bundle.exportsOf(runtime)};\n` +
        `export { GrpcClientError as GrpcError, CODE_NAMES as grpcCodeNames };\n\n` +
        `// options: { baseUrl, metadata, token, capset, instance, timeoutMs, http2 }; see the SDK README.\n` +
        `export function ${factory}(options = {}) {\n  return createGrpcClient(services, defaults, options);\n}\n`,
    );
  } else {
    parts.push(
      `const defaults = { baseUrl: ${JSON.stringify(baseUrl)} };\n\n` +
        `const { createConnectClient, ConnectError } = ${bundle.exportsOf(runtime)};\n` +
        `export { ConnectError };\n\n` +
        `// options: { baseUrl, headers, token, capset, instance, timeoutMs, fetch }; see the SDK README.\n` +
        `export function ${factory}(options = {}) {\n  return createConnectClient(services, defaults, options);\n}\n`,
    );
  }
  parts.push(`export default ${factory};\n`);
  return parts.join("\n\n");
}

// The ProtoJSON contract of every method: JSON Schemas of request and response.
function methodContracts(table) {
  const out = {};
  for (const { methods } of table) {
    for (const m of methods) {
      out[m.fullName] = { kind: m.methodKind, input: messageJsonSchema(m.input), output: messageJsonSchema(m.output) };
    }
  }
  return out;
}

function packageReadme({ name, identity, transport, factory, table }) {
  const first = table[0];
  const example = first
    ? `const reply = await client.${first.service.name}.${first.methods[0].name}({ /* ProtoJSON request */ });`
    : "";
  const grpc = transport === "grpc";
  return `# ${name}

${grpc ? "gRPC" : "Connect"} client for the OctoBus service package \`${identity}\`, generated by
\`octobus-sdk client-package --transport ${transport}\`. No dependencies; ${grpc ? "Node ≥ 20 (node:http2)" : "any runtime with fetch"}.

\`\`\`js
import { ${factory} } from "${name}";

const client = ${factory}({ baseUrl: "${grpc ? "http://127.0.0.1:50051" : "http://127.0.0.1:8080/capsets/dev/connect/my-instance"}" });
${example}
${grpc ? "client.close();\n" : ""}\`\`\`

Methods: ${table.flatMap(({ methods }) => methods.map((m) => `\`${m.fullName}\``)).join(", ") || "none"}.
\`methods.json\` holds the JSON Schema of each method's request and response (ProtoJSON).
${grpc ? "`descriptor.protoset` is the package's FileDescriptorSet the client encodes with.\n" : ""}`;
}

function writePackage({ outDir, force, files }) {
  if (fs.existsSync(outDir)) {
    const entries = fs.readdirSync(outDir);
    if (entries.length > 0 && !force) throw new UsageError(`${outDir} is not empty (use --force to overwrite)`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(outDir, name), content);
}

export async function runClientGeneration({ command, args, env, cwd, stdout, packageDir }) {
  const options = parseClientFlags(command, args);
  const manifest = readServiceManifest(packageDir);
  const bytes = await loadDescriptorSetBytes({ packageDir, manifest, env });
  // The generated code's comments come from the full set (with source info).
  const registry = Registry.fromFileDescriptorSet(bytes);
  const descriptor = stripSourceInfo(bytes);
  const common = { manifest, registry, descriptor, transport: options.transport, factory: options.factory, baseUrl: options.baseUrl };

  if (command === "client-stub") {
    const code = generateClientModule(common);
    if (options.out === undefined) {
      stdout.write(code);
    } else {
      const file = path.resolve(cwd, options.out);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, code);
    }
    return;
  }

  const grpc = options.transport === "grpc";
  const identity = manifest.version ? `${manifest.name}@${manifest.version}` : manifest.name;
  const name = options.name ?? `${manifest.name}-${grpc ? "grpc-" : ""}client`;
  const table = serviceTable(registry, options.transport);
  const files = {
    "package.json": `${JSON.stringify(
      {
        name,
        version: manifest.version || "0.0.0",
        description: `${grpc ? "gRPC" : "Connect"} client for the OctoBus service package ${identity}`,
        type: "module",
        main: "./index.js",
        exports: { ".": "./index.js", "./methods.json": "./methods.json", "./package.json": "./package.json" },
        files: ["index.js", "methods.json", ...(grpc ? ["descriptor.protoset"] : []), "README.md"],
        engines: { node: grpc ? ">=20" : ">=18" },
        sideEffects: false,
      },
      null,
      2,
    )}\n`,
    "index.js": generateClientModule({ ...common, command, descriptorFile: grpc ? "descriptor.protoset" : undefined }),
    "methods.json": `${JSON.stringify(methodContracts(table), null, 2)}\n`,
    "README.md": packageReadme({ name, identity, transport: options.transport, factory: options.factory, table }),
  };
  if (grpc) files["descriptor.protoset"] = descriptor;
  const outDir = path.resolve(cwd, options.out);
  writePackage({ outDir, force: options.force, files });
  stdout.write(`generated ${options.transport} client package ${name} at ${outDir}\n`);
}
