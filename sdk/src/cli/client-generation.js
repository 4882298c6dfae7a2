import { UsageError } from "../errors/usage-error.js";

// client-stub / client-package generate client code for a package; this SDK
// does not ship generators, so say so plainly instead of failing obscurely.
export async function runClientGeneration({ command }) {
  throw new UsageError(
    `${command} is not provided by this SDK; call the daemon's Connect or gRPC endpoints with any client (see sdk/README.md)`,
  );
}
