/**
 * Reads of files named by configuration or found under a root (textfile *.prom files, the
 * machine id) that never block and never take unbounded memory, like the native core's:
 * the file is opened with O_NONBLOCK (opening a FIFO does not wait for a writer), fstat'ed,
 * and refused unless it is a regular file; more than `limit` bytes is an error. A plain
 * fs.promises.readFile of a FIFO would pin a libuv thread until a writer comes, and a
 * readFileSync would freeze the agent, /healthz included.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

// libuv adds O_CLOEXEC to every open.
const FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/** The error for a path that is not a regular file, or larger than its limit. */
export class UnreadableFileError extends Error {
  readonly path: string;
  readonly code: 'ENOTREGULAR' | 'ETOOLARGE';
  constructor(path: string, code: 'ENOTREGULAR' | 'ETOOLARGE', reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.name = 'UnreadableFileError';
    this.path = path;
    this.code = code;
  }
}

function fileType(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function limitText(limit: number): string {
  return limit % (1 << 20) === 0 ? `${limit / (1 << 20)} MiB` : `${limit} bytes`;
}

function checkRegular(path: string, st: Stats): void {
  if (!st.isFile()) throw new UnreadableFileError(path, 'ENOTREGULAR', `not a regular file (${fileType(st)})`);
}

function tooLarge(path: string, limit: number): UnreadableFileError {
  return new UnreadableFileError(path, 'ETOOLARGE', `larger than the read limit of ${limitText(limit)}`);
}

/** Reads a regular file of at most `limit` bytes, off the JavaScript thread. */
export async function readRegularFile(path: string, limit: number): Promise<{ data: Buffer; stats: Stats }> {
  const fh = await open(path, FLAGS);
  try {
    const stats = await fh.stat();
    checkRegular(path, stats);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooLarge(path, limit);
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    }
    return { data: Buffer.concat(chunks, total), stats };
  } finally {
    await fh.close();
  }
}

/** The synchronous form, for small files read at start (the machine id). */
export function readRegularFileSync(path: string, limit: number): Buffer {
  const fd = openSync(path, FLAGS);
  try {
    checkRegular(path, fstatSync(fd));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(64 * 1024, limit + 1));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw tooLarge(path, limit);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}
