import fs from "node:fs";

// Whole-descriptor reads and writes for one-shot commands. The daemon hands
// an on-demand call its request on stdin, the secret on fd 3 and takes the
// response from stdout, all pipes it made blocking for the child. Synchronous
// I/O on them costs well under a millisecond, while process.stdin/stdout
// (libuv streams, `net`, the stream machinery) cost several per process — a
// visible part of a call that is one process. A non-blocking descriptor
// answers EAGAIN at some point; the rest then goes through a libuv stream,
// keeping what was already transferred.

const CHUNK_BYTES = 64 * 1024;

// Read `fd` to EOF. `close` closes it afterwards (the secret pipe); stdin is
// left open.
export async function readFdToEnd(fd, { close = true } = {}) {
  const chunks = [];
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let n;
    try {
      n = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if (error.code === "EOF") break; // Windows pipes
      if (error.code !== "EAGAIN") throw error;
      chunks.push(await readRestThroughStream(fd));
      return Buffer.concat(chunks);
    }
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
  }
  if (close) fs.closeSync(fd);
  return Buffer.concat(chunks);
}

async function readRestThroughStream(fd) {
  // process.stdin owns fd 0; any other descriptor gets its own socket, which
  // closes it when done.
  const stream = fd === 0 ? process.stdin : new (await import("node:net")).Socket({ fd, readable: true, writable: false });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  if (fd !== 0) stream.destroy();
  return Buffer.concat(chunks);
}

// Write all of `data` to fd 1 or 2; on EAGAIN the rest goes through
// process.stdout/stderr. Resolves once everything is handed to the OS (or to
// the stream).
export async function writeToFd(fd, data) {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      const stream = fd === 1 ? process.stdout : process.stderr;
      await new Promise((resolve, reject) => {
        stream.write(bytes.subarray(offset), (err) => (err ? reject(err) : resolve()));
      });
      return;
    }
  }
}
