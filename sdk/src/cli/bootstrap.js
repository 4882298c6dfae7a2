import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors/usage-error.js";
import { RUNTIME_MODES } from "../package/manifest.js";

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

function sdkVersion() {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "package.json");
  return JSON.parse(fs.readFileSync(file, "utf8")).version;
}

function pascalCase(text) {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}

// The files of a new service package: one Echo method, schemas, an entry.
export function bootstrapFiles({ packageName, runtimeMode }) {
  const base = packageName.includes("/") ? packageName.slice(packageName.indexOf("/") + 1) : packageName;
  const pascal = pascalCase(base) || "Echo";
  const serviceName = pascal.endsWith("Service") ? pascal : `${pascal}Service`;
  const protoPackage = `${base.replace(/[^A-Za-z0-9]+/g, "_").replace(/^(\d)/, "_$1").toLowerCase()}.v1`;
  const fullService = `${protoPackage}.${serviceName}`;
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    "package.json": json({
      name: packageName,
      version: "0.1.0",
      private: true,
      type: "module",
      engines: { node: ">=20" },
      bin: { [base]: `bin/${base}.js` },
      files: ["bin/", "proto/", "service.json", "config.schema.json", "secret.schema.json"],
      dependencies: { "@chaitin-ai/octobus-sdk": `^${sdkVersion()}` },
    }),
    "service.json": json({
      schema: "chaitin.octobus.service.v1",
      name: base,
      displayName: pascal,
      description: `${pascal} OctoBus service`,
      runtime: { mode: runtimeMode },
      proto: { roots: ["proto"], files: [`proto/${base}.proto`] },
      configSchema: "config.schema.json",
      secretSchema: "secret.schema.json",
    }),
    [`proto/${base}.proto`]: `syntax = "proto3";

package ${protoPackage};

service ${serviceName} {
  // Echo returns the message it was sent.
  rpc Echo(EchoRequest) returns (EchoResponse);
}

message EchoRequest {
  string message = 1;
}

message EchoResponse {
  string message = 1;
  string request_id = 2;
}
`,
    "config.schema.json": json({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} }),
    "secret.schema.json": json({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", properties: {} }),
    [`bin/${base}.js`]: `#!/usr/bin/env node
import { defineService, grpcInvalidArgumentError, runServiceMain } from "@chaitin-ai/octobus-sdk";

const service = defineService({
  handlers: {
    "${fullService}/Echo": (ctx) => {
      if (ctx.request.message === "") {
        throw grpcInvalidArgumentError("message must not be empty");
      }
      return {
        message: ctx.request.message,
        requestId: ctx.getMetadata("x-octobus-ext-request-id") ?? "",
      };
    },
  },
});

runServiceMain(service);
`,
    ".gitignore": "node_modules/\n",
    "README.md": `# ${packageName}

An OctoBus service package (runtime mode: ${runtimeMode}).

\`\`\`bash
npm install
node bin/${base}.js --help                                   # business CLI usage
node bin/${base}.js echo --data-json '{"message":"hi"}'       # call Echo locally
node bin/${base}.js --runtime dev --port 50051                # local gRPC server
npx octobus-sdk validate                                      # check the package
\`\`\`
`,
  };
}

// `octobus-sdk bootstrap --name N --out DIR [--runtime-mode M] [--force]`.
export function writeBootstrapPackage({ packageName, outDir, runtimeMode = "on-demand", force = false }) {
  if (!NPM_NAME.test(packageName)) {
    throw new UsageError(`--name ${JSON.stringify(packageName)} is not a valid npm package name`);
  }
  if (!RUNTIME_MODES.includes(runtimeMode)) {
    throw new UsageError(`--runtime-mode must be on-demand or long-running, got ${JSON.stringify(runtimeMode)}`);
  }
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0 && !force) {
    throw new UsageError(`${outDir} is not empty; use --force to overwrite generated files`);
  }
  const files = bootstrapFiles({ packageName, runtimeMode });
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(outDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    if (name.startsWith("bin/")) fs.chmodSync(file, 0o755);
  }
  return { outDir, files: Object.keys(files) };
}
