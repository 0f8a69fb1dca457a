// `hostprobe free` on this machine against procps `free -b` read just before and after,
// and its JSON against the library.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as free from '../../src/cli/commands/free.js';
import { swapMemory, virtualMemory } from '../../src/index.js';
import { haveTool, tool } from '../helpers/tools.js';
import { cells, runCli } from '../helpers/cli.js';

const freeTool = tool('free', 'apt-get install procps');
const MiB = 1024 * 1024;

type Row = number[];
/** `free -b` as { Mem: [total used free shared buff/cache available], Swap: [total used free] }. */
function procpsFree(): Record<string, Row> {
  const out = execFileSync(freeTool.path!, ['-b'], { encoding: 'utf8' });
  const rows: Record<string, Row> = {};
  for (const c of cells(out).slice(1)) rows[c[0]!.replace(':', '')] = c.slice(1).map(Number);
  return rows;
}

function within(v: number, a: number, b: number, slack: number): boolean {
  return v >= Math.min(a, b) - slack && v <= Math.max(a, b) + slack;
}

describe('hostprobe free', () => {
  it('prints the layout of free(1), and its -b numbers agree with free -b', async () => {
    if (!haveTool(freeTool)) return;
    const before = procpsFree();
    const res = await runCli(free, ['-b']);
    const after = procpsFree();
    expect(res.code).toBe(0);
    const [header, mem, swap] = cells(res.out);
    expect(header).toEqual(['total', 'used', 'free', 'shared', 'buff/cache', 'available']);
    expect(mem![0]).toBe('Mem:');
    expect(swap![0]).toBe('Swap:');
    const ours = mem!.slice(1).map(Number);
    expect(ours).toHaveLength(6);
    expect(ours[0]).toBe(before.Mem![0]); // total never moves
    // used, free, shared, buff/cache, available move with the machine: between the two
    // readings, with 256 MiB of slack for what moved while both tools read (compilers come and go).
    for (let i = 1; i < 6; i++) {
      expect(
        within(ours[i]!, before.Mem![i]!, after.Mem![i]!, 256 * MiB),
        `column ${header![i]}: ${ours[i]} vs ${before.Mem![i]}..${after.Mem![i]}`,
      ).toBe(true);
    }
    const oursSwap = swap!.slice(1).map(Number);
    expect(oursSwap[0]).toBe(before.Swap![0]);
    expect(within(oursSwap[1]!, before.Swap![1]!, after.Swap![1]!, 64 * MiB)).toBe(true);
    expect(within(oursSwap[2]!, before.Swap![2]!, after.Swap![2]!, 64 * MiB)).toBe(true);
  });

  it('uses KiB by default and -m/-g/-h units, and -t adds totals', async () => {
    const total = virtualMemory().total;
    const swapTotal = swapMemory().total;
    const k = cells((await runCli(free, [])).out);
    expect(Number(k[1]![1])).toBe(Math.floor(total / 1024));
    const m = cells((await runCli(free, ['-m'])).out);
    expect(Number(m[1]![1])).toBe(Math.floor(total / MiB));
    const g = cells((await runCli(free, ['--gibi'])).out);
    expect(Number(g[1]![1])).toBe(Math.floor(total / 1024 ** 3));
    const h = cells((await runCli(free, ['-h'])).out);
    for (const cell of h[1]!.slice(1)) expect(cell).toMatch(/^\d+\.\d[BKMGTPE]$/);
    // The last unit flag wins, as in procps.
    const last = cells((await runCli(free, ['-g', '-b'])).out);
    expect(Number(last[1]![1])).toBe(total);
    const t = cells((await runCli(free, ['-bt'])).out);
    expect(t[3]![0]).toBe('Total:');
    expect(Number(t[3]![1])).toBe(total + swapTotal);
  });

  it('--json prints virtualMemory() and swapMemory()', async () => {
    const res = await runCli(free, ['--json']);
    const lib = virtualMemory();
    const data = JSON.parse(res.out) as { virtualMemory: Record<string, number>; swapMemory: Record<string, number> };
    expect(res.code).toBe(0);
    expect(Object.keys(data.virtualMemory).sort()).toEqual(Object.keys(lib).sort());
    expect(data.virtualMemory.total).toBe(lib.total);
    for (const k of ['used', 'free', 'available', 'cached', 'buffers'] as const) {
      expect(Math.abs(data.virtualMemory[k]! - lib[k]), k).toBeLessThanOrEqual(256 * MiB);
    }
    expect(data.swapMemory.total).toBe(swapMemory().total);
    expect(Object.keys(data.swapMemory).sort()).toEqual(['free', 'percent', 'sin', 'sout', 'total', 'used']);
  });

  it('--help exits 0; a bad flag exits 2 with a message', async () => {
    const help = await runCli(free, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hostprobe free');
    const bad = await runCli(free, ['--kilo-bytes']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--kilo-bytes'");
    const pos = await runCli(free, ['extra']);
    expect(pos.code).toBe(2);
    expect(pos.err).toContain('extra');
  });
});
