/**
 * `hostprobe ps`: the process table like `ps aux` (and psutil's scripts/ps.py), built on
 * one asynchronous scanProcesses() call and virtualMemory().
 */
import { scanProcesses, virtualMemory, type ScanRecord } from '../../index.js';
import { isFailure, numberOption, parseCommandArgs, usageError } from '../args.js';
import { fitWidth, formatCpuTime, formatStart, processIo, table, writeJson, writeLines, type CliIo } from '../format.js';

export const summary = 'the process table, like ps aux';

const SORT_KEYS = ['pid', 'user', 'cpu', 'mem', 'vsz', 'rss', 'start', 'time', 'command'] as const;
type SortKey = (typeof SORT_KEYS)[number];

const USAGE = `Usage: hostprobe ps [options]

Lists every process like ps aux: USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND.

Options:
  -u, --user USER     only processes of this user name (or numeric uid); repeatable
  -p, --pid PID       only this process; repeatable, or a comma-separated list
  -s, --sort KEY      sort by ${SORT_KEYS.join(', ')} (default pid);
                      --sort=-KEY sorts in descending order
      --json          print the scanned rows (scanProcesses()) as JSON, each with the
                      cpuPercent and memoryPercent shown in the table
  -h, --help          show this help

Columns:
  %CPU     CPU time (user + system) divided by the time since the process started, as ps
           (so a core busy for the process's whole life is 100.0), cut to one decimal
  %MEM     resident memory as a share of MemTotal, cut to one decimal
  VSZ RSS  virtual and resident memory in KiB
  TTY      controlling terminal, "?" when none
  STAT     the state letter (R running, S sleeping, D disk sleep, Z zombie, T stopped, I idle)
  START    start time: HH:MM within a day, MonDD within a year, else the year
  TIME     CPU time (user + system) as M:SS
  COMMAND  the command line, or [name] when there is none (kernel threads)
Fields that cannot be read (another user's process without root) show "?".
`;

const ATTRS = ['name', 'cmdline', 'username', 'uids', 'status', 'createTime', 'cpuTimes', 'memoryInfo', 'terminal'] as const;
type PsAttr = (typeof ATTRS)[number];

/** A row of the --json output: the scan record plus the percentages the table shows. */
export type PsEntry = ScanRecord<PsAttr> & { cpuPercent: number | null; memoryPercent: number | null };

const STATUS_LETTER: Readonly<Record<string, string>> = {
  running: 'R',
  sleeping: 'S',
  'disk-sleep': 'D',
  stopped: 'T',
  'tracing-stop': 't',
  zombie: 'Z',
  dead: 'X',
  'wake-kill': 'K',
  waking: 'W',
  idle: 'I',
  parked: 'P',
};

/** procps truncates %CPU and %MEM to one decimal (integer per-mille arithmetic). */
function trunc1(n: number): number {
  return Math.floor(n * 10 + 1e-9) / 10;
}

// procps reads a newline inside an argument as the separator it puts between arguments;
// other control characters become '?' in table() (tabs, escapes).
function commandOf(p: PsEntry): string {
  if (p.cmdline && p.cmdline.length > 0) return p.cmdline.join(' ').replace(/\n/g, ' ');
  if (p.name !== null) return `[${p.name}]`;
  return '?';
}

function sortValue(p: PsEntry, key: SortKey): number | string {
  switch (key) {
    case 'pid':
      return p.pid;
    case 'user':
      return p.username ?? '';
    case 'cpu':
      return p.cpuPercent ?? -1;
    case 'mem':
      return p.memoryPercent ?? -1;
    case 'vsz':
      return p.memoryInfo?.vms ?? -1;
    case 'rss':
      return p.memoryInfo?.rss ?? -1;
    case 'start':
      return p.createTime ?? -1;
    case 'time':
      return p.cpuTimes ? p.cpuTimes.user + p.cpuTimes.system : -1;
    case 'command':
      return commandOf(p);
  }
}

function listOption(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return items
    .flatMap((s) => String(s).split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Runs `hostprobe ps`; returns the exit status (1 when --pid named no live process). */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(
    'ps',
    argv,
    {
      user: { type: 'string', short: 'u', multiple: true },
      pid: { type: 'string', short: 'p', multiple: true },
      sort: { type: 'string', short: 's' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const pids: number[] = [];
  for (const raw of listOption(v.pid)) {
    const n = numberOption('ps', 'pid', raw, io, { integer: true, min: 1 });
    if (isFailure(n)) return n.code;
    if (n !== undefined) pids.push(n);
  }
  const users = listOption(v.user);
  let sortKey = (v.sort as string | undefined) ?? 'pid';
  const descending = sortKey.startsWith('-');
  if (descending || sortKey.startsWith('+')) sortKey = sortKey.slice(1);
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) {
    return usageError('ps', `invalid --sort key '${String(v.sort)}'; choose from ${SORT_KEYS.join(', ')}`, io).code;
  }

  const tableScan = await scanProcesses({ attrs: ATTRS, ...(pids.length ? { pids } : {}) });
  const now = Date.now() / 1000;
  const memTotal = virtualMemory().total;
  let entries: PsEntry[] = [];
  for (const rec of tableScan) {
    if (rec.vanished) continue;
    const cpu = rec.cpuTimes && rec.createTime !== null ? rec.cpuTimes.user + rec.cpuTimes.system : null;
    const elapsed = rec.createTime !== null ? now - rec.createTime : 0;
    entries.push({
      ...rec,
      cpuPercent: cpu === null ? null : elapsed > 0 ? trunc1((cpu / elapsed) * 100) : 0,
      memoryPercent: rec.memoryInfo ? trunc1((rec.memoryInfo.rss / memTotal) * 100) : null,
    });
  }
  if (users.length) {
    entries = entries.filter(
      (p) => (p.username !== null && users.includes(p.username)) || (p.uids !== null && users.includes(String(p.uids.real))),
    );
  }
  const key = sortKey as SortKey;
  entries.sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (descending ? -c : c) || a.pid - b.pid;
  });
  const status = pids.length && entries.length === 0 ? 1 : 0;
  if (v.json) {
    writeJson(io.stdout, entries);
    return status;
  }
  const q = (s: string | null | undefined): string => (s === null || s === undefined ? '?' : s);
  const rows = entries.map((p) => [
    q(p.username),
    String(p.pid),
    p.cpuPercent === null ? '?' : p.cpuPercent.toFixed(1),
    p.memoryPercent === null ? '?' : p.memoryPercent.toFixed(1),
    p.memoryInfo ? String(Math.floor(p.memoryInfo.vms / 1024)) : '?',
    p.memoryInfo ? String(Math.floor(p.memoryInfo.rss / 1024)) : '?',
    p.terminal ? p.terminal.replace(/^\/dev\//, '') : '?',
    p.status ? (STATUS_LETTER[p.status] ?? '?') : '?',
    p.createTime !== null ? formatStart(p.createTime, now) : '?',
    p.cpuTimes ? formatCpuTime(p.cpuTimes.user + p.cpuTimes.system) : '?',
    commandOf(p),
  ]);
  const right = { align: '>' as const };
  const lines = table(
    [
      { header: 'USER', min: 8 },
      { header: 'PID', ...right, min: 7 },
      { header: '%CPU', ...right },
      { header: '%MEM', ...right },
      { header: 'VSZ', ...right, min: 6 },
      { header: 'RSS', ...right, min: 5 },
      { header: 'TTY', min: 8 },
      { header: 'STAT', min: 4 },
      { header: 'START', min: 5 },
      { header: 'TIME', ...right, min: 6 },
      { header: 'COMMAND' },
    ],
    rows,
  );
  writeLines(
    io.stdout,
    lines.map((l) => fitWidth(l, io.stdout)),
  );
  return status;
}
