import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Inlines SDK modules into one ESM source text, so a generated client carries
// the very code the SDK runs (its protobuf codec, its client transports) and
// depends on nothing. Each module becomes a function scope that returns its
// exports:
//
//   const $protobuf_decode = (() => {
//     const { BinaryReader } = $protobuf_binary_reader;
//     …module body, `export` keywords removed…
//     return { decodeMessage, readScalar };
//   })();
//
// It understands exactly the module syntax the SDK's own sources use, and
// refuses anything else rather than emit something subtly wrong:
// `import { a, b as c } from "./rel.js"`, `import x from "node:mod"` (hoisted
// to the top of the output), and `export function|async function|class|const|let
// name`. Modules are emitted dependencies first; a cycle is an error.

const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const IMPORT_NAMED = /^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";[ \t]*$/gm;
const IMPORT_DEFAULT = /^import\s+([A-Za-z_$][\w$]*)\s+from\s*"(node:[^"]+)";[ \t]*$/gm;
const EXPORT_DECL = /^export\s+(async\s+function\*?|function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)/gm;

export class BundleError extends Error {}

// `entries`: paths relative to sdk/src (e.g. "client/grpc-client.js"), or absolute.
// Returns { code, builtins, exportsOf(entry) → the variable holding its exports }.
export function bundleModules(entries) {
  const modules = new Map(); // absolute path → { id, code, deps }
  const order = [];
  const builtins = new Map(); // local name → "node:…"
  const visiting = new Set();

  function visit(file) {
    if (modules.has(file)) return modules.get(file);
    if (visiting.has(file)) throw new BundleError(`import cycle through ${path.relative(SRC_DIR, file)}`);
    visiting.add(file);
    const source = fs.readFileSync(file, "utf8");
    const rel = path.relative(SRC_DIR, file);
    let body = source.replace(IMPORT_DEFAULT, (_, local, specifier) => {
      const known = builtins.get(local);
      if (known !== undefined && known !== specifier) {
        throw new BundleError(`${rel}: ${local} is imported from both ${known} and ${specifier}`);
      }
      builtins.set(local, specifier);
      return "";
    });
    body = body.replace(IMPORT_NAMED, (_, names, specifier) => {
      if (!specifier.startsWith(".")) throw new BundleError(`${rel}: cannot inline named imports from ${specifier}`);
      const dep = visit(path.resolve(path.dirname(file), specifier));
      const bindings = names
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean)
        .map((n) => {
          const [imported, local] = n.split(/\s+as\s+/);
          return local === undefined ? imported : `${imported}: ${local}`;
        });
      return `const { ${bindings.join(", ")} } = ${dep.id};`;
    });
    const exported = [];
    body = body.replace(EXPORT_DECL, (_, keyword, name) => {
      exported.push(name);
      return `${keyword.replace(/\s+/g, " ")} ${name}`;
    });
    const leftover = body.match(/^\s*(import|export)\b.*$/m) ?? body.match(/\bimport\(|\bimport\.meta\b/);
    if (leftover) throw new BundleError(`${rel}: unsupported module syntax: ${leftover[0].trim()}`);
    const module = {
      id: `$${rel.replace(/\.js$/, "").replace(/[^A-Za-z0-9]+/g, "_")}`,
      rel,
      code: body.trim(),
      exported,
    };
    visiting.delete(file);
    modules.set(file, module);
    order.push(module);
    return module;
  }

  const roots = entries.map((entry) => visit(path.resolve(SRC_DIR, entry)));
  const parts = [];
  for (const m of order) {
    parts.push(`// ---- ${m.rel} ----\nconst ${m.id} = (() => {\n${m.code}\nreturn { ${m.exported.join(", ")} };\n})();`);
  }
  return {
    code: parts.join("\n\n"),
    imports: [...builtins].map(([local, specifier]) => `import ${local} from "${specifier}";`).sort(),
    exportsOf: (entry) => roots[entries.indexOf(entry)].id,
  };
}
