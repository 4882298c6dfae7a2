// A gzip-compressed tar writer for npm-style package tarballs: POSIX ustar
// headers for regular files, with a PAX extended header ("x") in front of an
// entry whose path does not fit the 100-byte name field or is not ASCII, or
// whose size does not fit the 11-digit octal size field.
import fs from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";

const BLOCK = 512;
// npm's fixed timestamp for reproducible tarballs: 1985-10-26T08:15:00Z.
export const NPM_MTIME = 499162500;
const MAX_OCTAL_11 = 0o77777777777;

function writeString(header, offset, length, value) {
  header.write(value, offset, Math.min(length, Buffer.byteLength(value)), "utf8");
}

function writeOctal(header, offset, length, value) {
  // length - 1 digits, then NUL
  writeString(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function ustarHeader({ name, mode, size, mtime, type }) {
  const header = Buffer.alloc(BLOCK);
  writeString(header, 0, 100, name);
  writeOctal(header, 100, 8, mode);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, size);
  writeOctal(header, 136, 12, mtime);
  header.fill(0x20, 148, 156); // checksum placeholder: eight spaces
  header.write(type, 156, 1, "ascii");
  writeString(header, 257, 6, "ustar\0");
  writeString(header, 263, 2, "00");
  let sum = 0;
  for (const byte of header) sum += byte;
  writeString(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

// "<length> <key>=<value>\n", where <length> counts the whole record.
function paxRecord(key, value) {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

const padding = (size) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

// The header block(s) of one regular file.
export function fileHeaders(name, size, mode, mtime = NPM_MTIME) {
  const ascii = /^[\x20-\x7e]*$/.test(name);
  const records = [];
  if (!ascii || Buffer.byteLength(name) > 100) records.push(paxRecord("path", name));
  if (size > MAX_OCTAL_11) records.push(paxRecord("size", String(size)));
  const blocks = [];
  if (records.length > 0) {
    const data = Buffer.from(records.join(""), "utf8");
    const shortName = `PaxHeader/${name.replace(/[^\x20-\x7e]/g, "_")}`.slice(0, 100);
    blocks.push(ustarHeader({ name: shortName, mode: 0o644, size: data.length, mtime, type: "x" }), data, padding(data.length));
  }
  const plainName = ascii ? name.slice(0, 100) : name.replace(/[^\x20-\x7e]/g, "_").slice(0, 100);
  blocks.push(ustarHeader({ name: plainName, mode, size: Math.min(size, MAX_OCTAL_11), mtime, type: "0" }));
  return blocks;
}

// Write `entries` ([{ name, mode, source: path | Buffer }]) as a .tgz file.
// The file is written next to `outFile` and renamed into place at the end.
export async function writeTarball(outFile, entries) {
  async function* chunks() {
    for (const entry of entries) {
      const data = Buffer.isBuffer(entry.source) ? entry.source : fs.readFileSync(entry.source);
      yield* fileHeaders(entry.name, data.length, entry.mode);
      yield data;
      yield padding(data.length);
    }
    yield Buffer.alloc(BLOCK * 2); // end of archive
  }
  const partial = `${outFile}.partial-${process.pid}`;
  try {
    await pipeline(Readable.from(chunks()), zlib.createGzip({ level: 9 }), fs.createWriteStream(partial));
    fs.renameSync(partial, outFile);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
