// Thrown by runService after a command already reported its failure in the
// format its caller expects (an `OCTOBUS_ERROR:` line, a `NAME: message`
// line): runServiceMain exits with `exitCode` and prints nothing more.
export class ExitError extends Error {
  constructor(exitCode = 1) {
    super(`exit ${exitCode}`);
    this.name = "ExitError";
    this.exitCode = exitCode;
  }
}
