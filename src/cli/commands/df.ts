/**
 * `hostprobe df`: mounted file systems and their usage, like `df -h` and psutil's
 * scripts/disk_usage.py, built on diskPartitions() and the asynchronous diskUsage().
 * Every statvfs runs off the JavaScript thread with a deadline (diskUsage's `timeoutMs`),
 * so a stuck mount (a dead NFS server) is shown as "?" instead of hanging the command.
 */
import { diskPartitions, diskUsage, type DiskPartition, type DiskUsage } from '../../index.js';
import { isFailure, numberOption, parseCommandArgs } from '../args.js';
import { bytes2human, errorMessage, processIo, table, writeJson, writeLines, type CliIo } from '../format.js';

export const summary = 'file system disk space usage, like df -h';

const DEFAULT_TIMEOUT = 5;

const USAGE = `Usage: hostprobe df [options]

Shows each mounted file system's size, used and free space, like df -h.

Options:
  -a, --all          include pseudo, duplicate and inaccessible file systems
                     (default: only devices with a physical file system type)
  -b, --bytes        show sizes in bytes instead of human-readable units
  -h, --human        human-readable sizes, psutil's bytes2human (the default)
  -t, --timeout SEC  give up on a mount whose statfs takes longer (default ${DEFAULT_TIMEOUT});
                     it is shown with "?" and the error on stderr
      --json         print diskPartitions() with each mount's diskUsage() as JSON
      --help         show this help

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

/** df's Use%: used / (used + available), rounded up. */
export function usePercent(used: number, free: number): number {
  const denom = used + free;
  return denom > 0 ? Math.ceil((used * 100) / denom) : 0;
}

/** Runs `hostprobe df`; returns the exit status (1 when some mount could not be read). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(
    'df',
    argv,
    {
      all: { type: 'boolean', short: 'a' },
      bytes: { type: 'boolean', short: 'b' },
      human: { type: 'boolean', short: 'h' },
      timeout: { type: 'string', short: 't' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
    { helpShort: false },
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const timeout = numberOption('df', 'timeout', v.timeout, io, { min: 0.001 });
  if (isFailure(timeout)) return timeout.code;
  const seconds = timeout ?? DEFAULT_TIMEOUT;

  const parts = diskPartitions({ all: v.all === true });
  const entries: DfEntry[] = await Promise.all(
    parts.map(async (partition): Promise<DfEntry> => {
      try {
        const usage = await diskUsage(partition.mountpoint, { timeoutMs: seconds * 1000 });
        return { partition, usage };
      } catch (e) {
        return { partition, usage: null, error: errorMessage(e) };
      }
    }),
  );
  let status = 0;
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
