import { INVALID_ARGUMENT } from "../status.js";

// A mistake in how the program was called (bad flag, unreadable config file,
// malformed JSON). Reported as one line without a stack trace: the stack of
// the SDK's argument parser would only hide the message.
export class UsageError extends Error {
  constructor(message, { code = INVALID_ARGUMENT, cause } = {}) {
    super(message, cause ? { cause } : undefined);
    this.name = "UsageError";
    this.code = code;
  }
}
