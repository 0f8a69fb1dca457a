/**
 * `hostprobe df`: mounted file systems and their usage, like `df -h` and psutil's
 * scripts/disk_usage.py, built on diskPartitions() and the asynchronous diskUsage().
 *
 * A stuck mount (a dead NFS server, a hung FUSE daemon) must not hang the command. Every
 * statvfs runs off the JavaScript thread with a deadline (diskUsage's `timeoutMs`), and the
 * mount is then shown as "?". That alone is not enough for a command-line tool: a thread
 * blocked in a FUSE request that the daemon has already read cannot be killed, and the
 * kernel does not let a process finish exiting (its parent shell keeps waiting) while one
 * of its threads is blocked. So, when run from the built package, the statvfs calls are made
 * by a short-lived worker process (this same module started with a private flag), which is
 * left behind if one of its calls never returns, and `hostprobe df` itself always exits.
 */
import { spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSea } from '../../sea.js';
import { diskPartitions, diskUsage, type DiskPartition, type DiskUsage } from '../../index.js';
import { isFailure, numberOption, parseCommandArgs } from '../args.js';
import { bytes2human, errorMessage, processIo, table, writeJson, writeLines, type CliIo } from '../format.js';
export const summary = 'file system disk space usage, like df -h';

const DEFAULT_TIMEOUT = 5;

const USAGE = `Usage: hostprobe df [options] [FILE...]

Shows each mounted file system's size, used and free space, like df -h; with FILEs, only
the file systems they are on (found from their absolute path, without touching them).

Options:
  -a, --all                include pseudo, duplicate and inaccessible file systems
                           (default: only devices with a physical file system type)
  -t, --type TYPE          only file systems of this type (repeatable)
  -x, --exclude-type TYPE  leave out file systems of this type (repeatable); filtered
                           before any statfs, so a stuck mount can be skipped this way
  -b, --bytes              show sizes in bytes instead of human-readable units
  -h, --human              human-readable sizes, psutil's bytes2human (the default)
      --timeout SEC        give up on a mount whose statfs takes longer (default ${DEFAULT_TIMEOUT});
                           it is shown with "?" and the error on stderr
      --json               print diskPartitions() with each mount's diskUsage() as JSON
      --help               show this help

Columns: Device, Total, Used, Free (available to unprivileged users), Use% (used /
(used + free), rounded up as df does; "-" for a size of 0), Type, Mount.
Exit status: 0, 1 when some mount could not be read (it is shown with "?"), 2 on a usage error.
`;

/** One row of the --json output: the partition and its usage, or why there is none. */
export interface DfEntry {
  partition: DiskPartition;
  usage: DiskUsage | null;
  error?: string;
}

/** The usage of one path, or why there is none. */
export type UsageResult = { usage: DiskUsage } | { error: string };

const WORKER_FLAG = '--hostprobe-statvfs-worker';
const SELF = fileURLToPath(import.meta.url);
/** Extra time the worker gets over the statvfs deadline, for starting node and the addon. */
const WORKER_STARTUP_MS = 10_000;

/** diskUsage() for each path, concurrently, in this process. */
async function usagesInProcess(paths: readonly string[], timeoutMs: number): Promise<UsageResult[]> {
  return Promise.all(
    paths.map(async (path): Promise<UsageResult> => {
      try {
        return { usage: await diskUsage(path, { timeoutMs }) };
      } catch (e) {
        return { error: errorMessage(e) };
      }
    }),
  );
}

/**
 * diskUsage() for each path in a worker process (see the module comment). Results come
 * back as JSON lines `{"i": n, "usage"|"error": ...}`; a path without an answer by the
 * deadline gets an error. The worker is never waited for.
 */
function usagesInWorker(paths: readonly string[], timeoutMs: number): Promise<UsageResult[]> {
  return new Promise((resolve) => {
    const results: (UsageResult | undefined)[] = new Array<UsageResult | undefined>(paths.length).fill(undefined);
    let pending = paths.length;
    let settled = false;
    // The single-file binary is its own worker: `hostprobe df --hostprobe-statvfs-worker`.
    const args = isSea() ? ['df', WORKER_FLAG] : [SELF, WORKER_FLAG];
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const finish = (why: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      child.stdout.removeAllListeners('data');
      child.stdout.destroy();
      child.stdin.destroy();
      // A worker still running is stuck in statvfs: kill it (it goes away once the mount
      // answers) and do not wait for it.
      if (child.exitCode === null) child.kill('SIGKILL');
      child.unref();
      resolve(results.map((r) => r ?? { error: why ?? 'no answer from the statvfs worker' }));
    };
    const deadline = setTimeout(
      () => finish(`statvfs did not return within ${timeoutMs} ms (worker deadline)`),
      timeoutMs + WORKER_STARTUP_MS,
    );
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const msg = JSON.parse(line) as { i: number } & Partial<{ usage: DiskUsage; error: string }>;
          if (results[msg.i] === undefined) {
            results[msg.i] = msg.usage ? { usage: msg.usage } : { error: msg.error ?? 'unknown error' };
            if (--pending === 0) finish(null);
          }
        } catch {
          // not a result line
        }
      }
    });
    child.once('error', (e) => finish(`cannot start the statvfs worker: ${e.message}`));
    child.once('exit', () => finish('the statvfs worker exited without an answer'));
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify({ paths, timeoutMs }));
  });
}

/** The worker's side: reads {paths, timeoutMs} on stdin, writes one JSON line per answer. */
async function workerMain(): Promise<void> {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk as string;
  const { paths, timeoutMs } = JSON.parse(input) as { paths: string[]; timeoutMs: number };
  await Promise.all(
    paths.map(async (path, i) => {
      let line: string;
      try {
        line = JSON.stringify({ i, usage: await diskUsage(path, { timeoutMs }) });
      } catch (e) {
        line = JSON.stringify({ i, error: errorMessage(e) });
      }
      process.stdout.write(line + '\n');
    }),
  );
  // A stuck statvfs thread may keep this process from being reaped; the parent does not wait.
  process.stdout.write('', () => process.exit(0));
}

/**
 * The usage of each path: through the worker process when this module runs from the built
 * package (a .js file node can start), in-process otherwise (from the TypeScript sources,
 * as in the unit tests).
 */
function usages(paths: readonly string[], timeoutMs: number): Promise<UsageResult[]> {
  if (paths.length === 0) return Promise.resolve([]);
  return isSea() || SELF.endsWith('.js') ? usagesInWorker(paths, timeoutMs) : usagesInProcess(paths, timeoutMs);
}

/**
 * The mount a path is on: the longest mount point that is the path or one of its parents
 * (the last one listed when several are stacked on it). Lexical: nothing is touched.
 */
function mountOf(parts: readonly DiskPartition[], path: string): DiskPartition | undefined {
  let best: DiskPartition | undefined;
  for (const p of parts) {
    const m = p.mountpoint;
    const under = path === m || m === '/' || path.startsWith(m.endsWith('/') ? m : `${m}/`);
    if (under && (!best || m.length >= best.mountpoint.length)) best = p;
  }
  return best;
}

/** df's Use%: used / (used + available), rounded up. */
function usePercent(used: number, free: number): number {
  const denom = used + free;
  return denom > 0 ? Math.ceil((used * 100) / denom) : 0;
}

/** Runs `hostprobe df`; returns the exit status (1 when some mount could not be read). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  if (isSea() && argv.length === 1 && argv[0] === WORKER_FLAG) {
    await workerMain();
    return 0;
  }
  const parsed = parseCommandArgs(
    'df',
    argv,
    {
      all: { type: 'boolean', short: 'a' },
      bytes: { type: 'boolean', short: 'b' },
      human: { type: 'boolean', short: 'h' },
      type: { type: 'string', short: 't', multiple: true },
      'exclude-type': { type: 'string', short: 'x', multiple: true },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
    { helpShort: false, allowPositionals: true },
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const timeout = numberOption('df', 'timeout', v.timeout, io, { min: 0.001 });
  if (isFailure(timeout)) return timeout.code;
  const seconds = timeout ?? DEFAULT_TIMEOUT;

  const files = parsed.args.positionals;
  const only = (v.type as string[] | undefined) ?? [];
  const exclude = (v['exclude-type'] as string[] | undefined) ?? [];
  let status = 0;
  // With FILEs, every mount is a candidate (a FILE may be on /proc), as with df.
  let parts = diskPartitions({ all: v.all === true || files.length > 0 }).filter(
    (p) => (only.length === 0 || only.includes(p.fstype)) && !exclude.includes(p.fstype),
  );
  if (files.length > 0) {
    const chosen: DiskPartition[] = [];
    for (const f of files) {
      const p = mountOf(parts, resolvePath(f));
      if (p) {
        if (!chosen.includes(p)) chosen.push(p);
      } else {
        io.stderr.write(`hostprobe df: ${f}: no file system found\n`);
        status = 1;
      }
    }
    parts = chosen;
  }
  const answers = await usages(
    parts.map((p) => p.mountpoint),
    seconds * 1000,
  );
  const entries: DfEntry[] = parts.map((partition, i) => {
    const a = answers[i] ?? { error: 'no answer' };
    return 'usage' in a ? { partition, usage: a.usage } : { partition, usage: null, error: a.error };
  });
  for (const e of entries) {
    if (e.error) {
      io.stderr.write(`hostprobe df: ${e.partition.mountpoint}: ${e.error}\n`);
      status = 1; // as df: the other mounts are shown, the status says one failed
    }
  }
  if (v.json) {
    writeJson(io.stdout, entries);
    return status;
  }
  const size = v.bytes ? (n: number) => String(n) : bytes2human;
  const rows = entries.map((e) => {
    const u = e.usage;
    return [
      e.partition.device || 'none',
      u ? size(u.total) : '?',
      u ? size(u.used) : '?',
      u ? size(u.free) : '?',
      u ? (u.used + u.free > 0 ? `${usePercent(u.used, u.free)}%` : '-') : '?',
      e.partition.fstype,
      e.partition.mountpoint,
    ];
  });
  const right = { align: '>' as const, min: 8 };
  writeLines(
    io.stdout,
    table(
      [
        { header: 'Device', min: 17 },
        { header: 'Total', ...right },
        { header: 'Used', ...right },
        { header: 'Free', ...right },
        { header: 'Use%', align: '>', min: 5 },
        { header: 'Type', align: '>', min: 9 },
        { header: 'Mount' },
      ],
      rows,
    ),
  );
  return status;
}

if (process.argv[2] === WORKER_FLAG && process.argv[1] && resolvePath(process.argv[1]) === SELF) {
  // Not a top-level await: the single-file binary's bundle is CommonJS.
  workerMain().catch((e: unknown) => {
    process.stderr.write(`hostprobe df worker: ${errorMessage(e)}\n`);
    process.exit(1);
  });
}
