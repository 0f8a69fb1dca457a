/**
 * `hostprobe free`: memory and swap like procps `free` (and psutil's scripts/free.py),
 * built on virtualMemory() and swapMemory().
 */
import { swapMemory, virtualMemory } from '../../index.js';
import { parseCommandArgs } from '../args.js';
import { bytes2human, processIo, table, writeJson, writeLines, type CliIo } from '../format.js';

export const summary = 'memory and swap usage, like free(1)';

const USAGE = `Usage: hostprobe free [options]

Shows total, used, free, shared, buff/cache and available memory, and swap, like free(1).

Options:
  -b, --bytes   show sizes in bytes
  -k, --kibi    show sizes in KiB (default)
  -m, --mebi    show sizes in MiB
  -g, --gibi    show sizes in GiB
  -h, --human   show human-readable sizes (psutil's bytes2human: 1.5G, 380.2M)
  -t, --total   add a line with the totals of memory and swap
      --json    print virtualMemory() and swapMemory() as JSON (bytes)
      --help    show this help

Columns (bytes from the kernel's /proc/meminfo):
  total       MemTotal / SwapTotal
  used        total - available (as procps free >= 4)
  free        MemFree / SwapFree
  shared      Shmem
  buff/cache  Buffers + Cached + SReclaimable
  available   MemAvailable (estimated by the kernel's algorithm on old kernels)
`;

type Unit = 'b' | 'k' | 'm' | 'g' | 'h';

function fmt(n: number, unit: Unit): string {
  switch (unit) {
    case 'b':
      return String(n);
    case 'k':
      return String(Math.floor(n / 1024));
    case 'm':
      return String(Math.floor(n / 1024 ** 2));
    case 'g':
      return String(Math.floor(n / 1024 ** 3));
    case 'h':
      return bytes2human(n);
  }
}

/** Runs `hostprobe free`; returns the exit status. */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseCommandArgs(
    'free',
    argv,
    {
      bytes: { type: 'boolean', short: 'b' },
      kibi: { type: 'boolean', short: 'k' },
      mebi: { type: 'boolean', short: 'm' },
      gibi: { type: 'boolean', short: 'g' },
      human: { type: 'boolean', short: 'h' },
      total: { type: 'boolean', short: 't' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
    { helpShort: false },
  );
  if (!parsed.ok) return parsed.code;
  const v = parsed.args.values;
  // The last unit flag given wins, as in procps.
  let unit: Unit = 'k';
  const flagUnit: Record<string, Unit> = {
    '-b': 'b',
    '--bytes': 'b',
    '-k': 'k',
    '--kibi': 'k',
    '-m': 'm',
    '--mebi': 'm',
    '-g': 'g',
    '--gibi': 'g',
    '-h': 'h',
    '--human': 'h',
  };
  for (const a of argv) {
    const u = flagUnit[a];
    if (u) unit = u;
    else if (/^-[bkmght]+$/.test(a)) for (const ch of a.slice(1)) unit = flagUnit[`-${ch}`] ?? unit;
  }

  const mem = virtualMemory();
  const swap = swapMemory();
  if (v.json) {
    writeJson(io.stdout, { virtualMemory: mem, swapMemory: swap });
    return 0;
  }
  const f = (n: number): string => fmt(n, unit);
  const rows: string[][] = [
    ['Mem:', f(mem.total), f(mem.used), f(mem.free), f(mem.shared), f(mem.buffers + mem.cached), f(mem.available)],
    ['Swap:', f(swap.total), f(swap.used), f(swap.free)],
  ];
  if (v.total) {
    rows.push(['Total:', f(mem.total + swap.total), f(mem.used + swap.used), f(mem.free + swap.free)]);
  }
  // procps's layout: a 7-character label, then 12-character columns.
  const right = { align: '>' as const, min: 11 };
  writeLines(
    io.stdout,
    table(
      [
        { header: '', min: 8 },
        { header: 'total', ...right },
        { header: 'used', ...right },
        { header: 'free', ...right },
        { header: 'shared', ...right },
        { header: 'buff/cache', ...right },
        { header: 'available', ...right },
      ],
      rows,
    ),
  );
  return 0;
}
