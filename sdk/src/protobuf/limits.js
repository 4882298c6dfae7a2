// Limits that keep hostile input from exhausting the stack or the CPU.

// Maximum nesting of messages (and groups) while decoding binary or JSON input,
// and while encoding. 100 is the default of the reference C++/Java/Go runtimes;
// it is far deeper than any sane schema and far shallower than Node's stack.
export const defaultMaximumRecursionDepth = 100;
