/**
 * `hostprobe top`: a refreshing view of CPU, memory, swap, load and the busiest processes,
 * in the layout of psutil's scripts/top.py, built on cpuPercent, virtualMemory,
 * swapMemory, loadAvg, bootTime and processIter (whose Process objects persist between
 * calls, so each process's cpuPercent covers the last interval).
 *
 * On a terminal it redraws in the alternate screen until `q` or Ctrl-C (or `--iterations`);
 * otherwise (a pipe, a file, `--batch`) it prints one plain frame per interval, without
 * cursor codes, like `top -b`.
 */
import {
  bootTime,
  cpuPercent,
  loadAvg,
  processIter,
  swapMemory,
  virtualMemory,
  type ProcessCpuTimes,
  type ProcessMemoryInfo,
  type SwapMemory,
  type VirtualMemory,
} from '../../index.js';
import { isFailure, numberOption, parseCommandArgs, usageError } from '../args.js';
import { bar, bytes2human, formatCpuTimePlus, formatUptime, processIo, table, type CliIo } from '../format.js';

export const summary = 'a refreshing view of CPU, memory, load and the busiest processes, like top';

const SORT_KEYS = ['cpu', 'mem', 'pid', 'time'] as const;
type SortKey = (typeof SORT_KEYS)[number];

const USAGE = `Usage: hostprobe top [options]

Shows CPU usage per CPU, memory, swap, process counts, load average and uptime, then the
processes sorted by CPU usage, refreshed every interval (psutil's top.py).

Options:
  -d, --interval SEC    seconds between refreshes (default 1)
  -n, --iterations N    stop after N refreshes (default: until q or Ctrl-C)
  -l, --limit N         show at most N processes (default: what fits the terminal;
                        every process when not on a terminal)
  -s, --sort KEY        sort processes by ${SORT_KEYS.join(', ')} (default cpu)
  -b, --batch           plain frames one after the other even on a terminal (like top -b)
      --json            print one JSON object per refresh (one line each) with the values shown
  -h, --help            show this help

Keys on a terminal: q or Ctrl-C quits.

Every value covers the last interval: CPU% per CPU and per process (top-style: one busy
core is 100%), so the first frame comes after one interval.
Process columns: PID USER NI (nice) VIRT RES (virtual and resident memory) CPU% MEM%
TIME+ (CPU time, M:SS.hh) NAME.
`;

const PROCESS_ATTRS = ['pid', 'username', 'nice', 'memoryInfo', 'memoryPercent', 'cpuPercent', 'cpuTimes', 'name', 'status'] as const;

/** One process in a frame (processIter's `.info`; null where access was denied). */
export interface TopProcess {
  pid: number;
  username: string | null;
  nice: number | null;
  memoryInfo: ProcessMemoryInfo | null;
  memoryPercent: number | null;
  cpuPercent: number | null;
  cpuTimes: ProcessCpuTimes | null;
  name: string | null;
  status: string | null;
}

/** One refresh: what `--json` prints (one line each) and what the screen shows. */
export interface TopFrame {
  /** Epoch seconds when the frame was read. */
  time: number;
  /** cpuPercent({ perCpu: true }) over the last interval. */
  cpuPercent: number[];
  virtualMemory: VirtualMemory;
  swapMemory: SwapMemory;
  loadAvg: [number, number, number];
  bootTime: number;
  /** Seconds since boot. */
  uptime: number;
  /** Every process listed (before --limit). */
  processCount: number;
  /** Processes per status. */
  statuses: Record<string, number>;
  /** Sorted, cut to --limit. */
  processes: TopProcess[];
}

const ESC = '\x1b[';
const ALT_SCREEN_ON = `${ESC}?1049h`;
const ALT_SCREEN_OFF = `${ESC}?1049l`;
const CURSOR_HIDE = `${ESC}?25l`;
const CURSOR_SHOW = `${ESC}?25h`;
const HOME = `${ESC}H`;
const CLEAR_EOL = `${ESC}K`;
const CLEAR_BELOW = `${ESC}J`;
const RESET = `${ESC}0m`;
const INVERSE = `${ESC}7m`;
const BOLD = `${ESC}1m`;

function colorFor(pct: number): string {
  return pct <= 30 ? `${ESC}32m` : pct <= 80 ? `${ESC}33m` : `${ESC}31m`;
}

function collectProcesses(): TopProcess[] {
  const out: TopProcess[] = [];
  for (const p of processIter({ attrs: PROCESS_ATTRS })) out.push(p.info as TopProcess);
  return out;
}

function sortProcesses(procs: TopProcess[], key: SortKey): TopProcess[] {
  const v = (p: TopProcess): number => {
    switch (key) {
      case 'cpu':
        return p.cpuPercent ?? -1;
      case 'mem':
        return p.memoryPercent ?? -1;
      case 'time':
        return p.cpuTimes ? p.cpuTimes.user + p.cpuTimes.system : -1;
      case 'pid':
        return -p.pid;
    }
  };
  return procs.sort((a, b) => v(b) - v(a) || a.pid - b.pid);
}

function readFrame(sortKey: SortKey, limit: number | undefined): TopFrame {
  const procs = collectProcesses();
  const statuses: Record<string, number> = {};
  for (const p of procs) {
    const s = p.status ?? '?';
    statuses[s] = (statuses[s] ?? 0) + 1;
  }
  const boot = bootTime();
  const time = Date.now() / 1000;
  const sorted = sortProcesses(procs, sortKey);
  return {
    time,
    cpuPercent: cpuPercent({ perCpu: true }),
    virtualMemory: virtualMemory(),
    swapMemory: swapMemory(),
    loadAvg: loadAvg(),
    bootTime: boot,
    uptime: time - boot,
    processCount: procs.length,
    statuses,
    processes: limit === undefined ? sorted : sorted.slice(0, limit),
  };
}

/** The header lines (CPU bars, memory, swap, processes, load and uptime), uncolored, and each bar's percentage. */
function headerLines(f: TopFrame): { text: string; pct: number | null }[] {
  const lines: { text: string; pct: number | null }[] = [];
  const w = String(f.cpuPercent.length - 1).length;
  f.cpuPercent.forEach((pct, i) => {
    lines.push({ text: ` CPU${String(i).padEnd(Math.max(2, w))} ${bar(pct)} ${pct.toFixed(1).padStart(5)}%`, pct });
  });
  const m = f.virtualMemory;
  lines.push({
    text: ` Mem${' '.repeat(Math.max(2, w) - 1)}  ${bar(m.percent)} ${m.percent.toFixed(1).padStart(5)}% ${bytes2human(m.used).padStart(6)} / ${bytes2human(m.total)}`,
    pct: m.percent,
  });
  const s = f.swapMemory;
  lines.push({
    text: ` Swap${' '.repeat(Math.max(2, w) - 1)} ${bar(s.percent)} ${s.percent.toFixed(1).padStart(5)}% ${bytes2human(s.used).padStart(6)} / ${bytes2human(s.total)}`,
    pct: s.percent,
  });
  const order = (k: string): number => (k === 'running' ? 0 : k === 'sleeping' ? 1 : 2);
  const st = Object.entries(f.statuses)
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([k, n]) => `${k}=${n}`);
  lines.push({ text: ` Processes: ${f.processCount} (${st.join(', ')})`, pct: null });
  const [l1, l5, l15] = f.loadAvg;
  lines.push({
    text: ` Load average: ${l1.toFixed(2)} ${l5.toFixed(2)} ${l15.toFixed(2)}  Uptime: ${formatUptime(f.uptime)}`,
    pct: null,
  });
  return lines;
}

function processLines(procs: readonly TopProcess[]): string[] {
  const rows = procs.map((p) => [
    String(p.pid),
    (p.username ?? '').slice(0, 8),
    p.nice === null ? '' : String(p.nice),
    p.memoryInfo ? bytes2human(p.memoryInfo.vms) : '',
    p.memoryInfo ? bytes2human(p.memoryInfo.rss) : '',
    p.cpuPercent === null ? '' : p.cpuPercent.toFixed(1),
    p.memoryPercent === null ? '' : p.memoryPercent.toFixed(1),
    p.cpuTimes ? formatCpuTimePlus(p.cpuTimes.user + p.cpuTimes.system) : '',
    p.name ?? '',
  ]);
  const r = { align: '>' as const };
  return table(
    [
      { header: 'PID', min: 6 },
      { header: 'USER', min: 8 },
      { header: 'NI', ...r, min: 3 },
      { header: 'VIRT', ...r, min: 6 },
      { header: 'RES', ...r, min: 6 },
      { header: 'CPU%', ...r, min: 5 },
      { header: 'MEM%', ...r, min: 5 },
      { header: 'TIME+', ...r, min: 9 },
      { header: 'NAME' },
    ],
    rows,
  );
}

/** A plain frame: the header, a blank line, the process table. */
function renderPlain(f: TopFrame): string {
  return [...headerLines(f).map((l) => l.text), '', ...processLines(f.processes)].join('\n') + '\n';
}

/** A screen frame for a terminal of `columns` x `rows`: colors, a highlighted table header, cut to fit. */
function renderScreen(f: TopFrame, columns: number, rows: number): string {
  const cut = (s: string): string => (s.length > columns ? s.slice(0, columns) : s);
  const out: string[] = [];
  for (const l of headerLines(f)) out.push(l.pct === null ? cut(l.text) : `${colorFor(l.pct)}${cut(l.text)}${RESET}`);
  out.push('');
  const [head = '', ...body] = processLines(f.processes);
  out.push(`${BOLD}${INVERSE}${cut(head).padEnd(columns)}${RESET}`);
  const room = Math.max(0, rows - out.length);
  for (const l of body.slice(0, room)) out.push(cut(l));
  return HOME + out.map((l) => l + CLEAR_EOL).join('\n') + CLEAR_BELOW;
}

/** Runs `hostprobe top`; returns the exit status. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(
    'top',
    argv,
    {
      interval: { type: 'string', short: 'd' },
      iterations: { type: 'string', short: 'n' },
      limit: { type: 'string', short: 'l' },
      sort: { type: 'string', short: 's' },
      batch: { type: 'boolean', short: 'b' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  const interval = numberOption('top', 'interval', v.interval, io, { min: 0.05 });
  if (isFailure(interval)) return interval.code;
  const iterations = numberOption('top', 'iterations', v.iterations, io, { integer: true, min: 1 });
  if (isFailure(iterations)) return iterations.code;
  const limitOpt = numberOption('top', 'limit', v.limit, io, { integer: true, min: 0 });
  if (isFailure(limitOpt)) return limitOpt.code;
  const sortKey = (v.sort ?? 'cpu') as string;
  if (!(SORT_KEYS as readonly string[]).includes(sortKey)) {
    return usageError('top', `invalid --sort key '${sortKey}'; choose from ${SORT_KEYS.join(', ')}`, io).code;
  }
  const seconds = interval ?? 1;
  const screen = io.stdout.isTTY === true && !v.batch && !v.json;

  // Stopping: q / Ctrl-C on the terminal, SIGINT, the caller's AbortSignal.
  let stopped = false;
  let wake: (() => void) | null = null;
  const stop = (): void => {
    stopped = true;
    wake?.();
  };
  const onKey = (chunk: Buffer | string): void => {
    const s = chunk.toString();
    if (s.includes('q') || s.includes('Q') || s.includes('\x03')) stop();
  };
  const stdin = io.stdin;
  const keys = screen && stdin?.isTTY === true && typeof stdin.setRawMode === 'function';
  const onSignal = (): void => stop();
  if (io.signal?.aborted) return 0;
  io.signal?.addEventListener('abort', onSignal, { once: true });
  process.on('SIGINT', onSignal);
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (stopped) return resolve();
      const t = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
    });

  try {
    if (keys) {
      stdin.setRawMode?.(true);
      stdin.on('data', onKey);
      stdin.resume();
    }
    if (screen) io.stdout.write(ALT_SCREEN_ON + CURSOR_HIDE + HOME + `${ESC}2J`);
    // Baselines: the first cpuPercent calls (system and per process) have nothing to compare with.
    cpuPercent({ perCpu: true });
    collectProcesses();
    for (let n = 0; iterations === undefined || n < iterations; n++) {
      await sleep(seconds * 1000);
      if (stopped) break;
      const rows = io.stdout.rows && io.stdout.rows > 0 ? io.stdout.rows : 24;
      const columns = io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 80;
      const limit = limitOpt ?? (screen ? Math.max(0, rows) : undefined);
      const frame = readFrame(sortKey as SortKey, limit);
      if (v.json) io.stdout.write(JSON.stringify(frame) + '\n');
      else if (screen) io.stdout.write(renderScreen(frame, columns, rows));
      else io.stdout.write((n > 0 ? '\n' : '') + renderPlain(frame));
    }
  } finally {
    process.off('SIGINT', onSignal);
    io.signal?.removeEventListener('abort', onSignal);
    if (keys) {
      stdin.off('data', onKey);
      stdin.setRawMode?.(false);
      stdin.pause();
    }
    if (screen) io.stdout.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
  return 0;
}
