// `hostprobe top` on this machine. Not on a terminal, `--iterations 2` prints two plain
// frames (no cursor codes) whose header agrees with /proc and procps, and whose process list
// holds this test's own process and a busy child, sorted by CPU. On a (simulated) terminal
// it draws in the alternate screen and quits on `q`, restoring the terminal.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as top from '../../src/cli/commands/top.js';
import { bytes2human, type CliIo, type KeySource } from '../../src/cli/format.js';
import { virtualMemory } from '../../src/index.js';
import { haveTool, tool } from '../helpers/tools.js';
import { runCli } from '../helpers/cli.js';

const psTool = tool('ps', 'apt-get install procps');

let burner: ChildProcess;
beforeAll(async () => {
  // A child that keeps a CPU busy, so the process list has something to sort.
  burner = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  await new Promise((r) => burner.once('spawn', r));
});
afterAll(() => {
  burner.kill('SIGKILL');
});

const loadavg = (): number[] => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
const uptime = (): number => Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
const cpuLines = (): number =>
  readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l)).length;
const processCount = (): number =>
  execFileSync(psTool.path!, ['-e', '-o', 'pid='], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim()).length;

function parseUptime(s: string): number {
  const m = /^(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)$/.exec(s);
  if (!m) throw new Error(`bad uptime ${s}`);
  return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

describe('hostprobe top', () => {
  it('prints two plain frames with --iterations 2 when not on a terminal', async () => {
    if (!haveTool(psTool)) return;
    const procsBefore = processCount();
    const loadBefore = loadavg();
    const upBefore = uptime();
    const res = await runCli(top, ['--iterations', '2', '--interval', '0.5']);
    const upAfter = uptime();
    const loadAfter = loadavg();
    const procsAfter = processCount();
    expect(res.code).toBe(0);
    expect(res.err).toBe('');
    expect(res.out).not.toContain('\x1b'); // no cursor or color codes

    const frames = res.out.split(/\n(?= CPU0 )/);
    expect(frames).toHaveLength(2);
    const total = virtualMemory().total;
    const busyCpu: number[] = [];
    for (const frame of frames) {
      const lines = frame.split('\n');
      // One bar per CPU of /proc/stat.
      const cpus = lines.filter((l) => /^ CPU\d+ +\[[| ]{40}\] +\d+\.\d%$/.test(l));
      expect(cpus).toHaveLength(cpuLines());
      const mem = lines.find((l) => l.startsWith(' Mem '));
      expect(mem).toMatch(/^ Mem +\[[| ]{40}\] +\d+\.\d% +\S+ \/ \S+$/);
      expect(mem!.endsWith(`/ ${bytes2human(total)}`)).toBe(true);
      expect(lines.find((l) => l.startsWith(' Swap '))).toMatch(/^ Swap +\[[| ]{40}\] +\d+\.\d% +\S+ \/ \S+$/);
      // Process count agrees with procps (within what changed while both ran, plus 20%).
      const procLine = lines.find((l) => l.startsWith(' Processes: '));
      const count = Number(/^ Processes: (\d+) \((\w[\w-]*=\d+)(, [\w-]+=\d+)*\)$/.exec(procLine ?? '')?.[1]);
      expect(count).toBeGreaterThanOrEqual(Math.min(procsBefore, procsAfter) * 0.8);
      expect(count).toBeLessThanOrEqual(Math.max(procsBefore, procsAfter) * 1.2);
      // Load average between the two /proc/loadavg readings (with 0.5 of slack), uptime within 5 s.
      const m = /^ Load average: (\d+\.\d\d) (\d+\.\d\d) (\d+\.\d\d) {2}Uptime: (.+)$/.exec(
        lines.find((l) => l.startsWith(' Load average')) ?? '',
      );
      expect(m).not.toBeNull();
      for (let i = 0; i < 3; i++) {
        const v = Number(m![i + 1]);
        expect(v).toBeGreaterThanOrEqual(Math.min(loadBefore[i]!, loadAfter[i]!) - 0.5);
        expect(v).toBeLessThanOrEqual(Math.max(loadBefore[i]!, loadAfter[i]!) + 0.5);
      }
      const up = parseUptime(m![4]!);
      expect(up).toBeGreaterThanOrEqual(Math.floor(upBefore) - 5);
      expect(up).toBeLessThanOrEqual(upAfter + 5);

      // The process table: header, then rows sorted by CPU%.
      const h = lines.findIndex((l) => l.startsWith('PID '));
      expect(lines[h]!.trim().split(/\s+/)).toEqual(['PID', 'USER', 'NI', 'VIRT', 'RES', 'CPU%', 'MEM%', 'TIME+', 'NAME']);
      expect(lines[h - 1]).toBe('');
      const rows = lines
        .slice(h + 1)
        .filter((l) => l.trim())
        .map((l) => l.trim().split(/\s+/));
      expect(rows.length).toBe(count); // not a terminal: every process
      const cpu = rows.map((r) => Number(r[5]));
      for (let i = 1; i < cpu.length; i++)
        if (!Number.isNaN(cpu[i]!) && !Number.isNaN(cpu[i - 1]!)) expect(cpu[i - 1]!).toBeGreaterThanOrEqual(cpu[i]!);
      const me = rows.find((r) => r[0] === String(process.pid));
      expect(me?.[1]).toBe(userInfo().username.slice(0, 8));
      const busy = rows.find((r) => r[0] === String(burner.pid));
      expect(busy, 'the busy child').toBeDefined();
      expect(busy![8]).toBe('sh');
      busyCpu.push(Number(busy![5]));
      expect(busy![7]).toMatch(/^\d+:\d\d\.\d\d$/);
    }
    // The busy child ran during at least one of the two intervals.
    expect(Math.max(...busyCpu)).toBeGreaterThan(0);
  });

  it('--json prints one object per refresh with the library values', async () => {
    const res = await runCli(top, ['--json', '-n', '2', '-d', '0.2', '--limit', '5', '--sort', 'mem']);
    expect(res.code).toBe(0);
    const lines = res.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const f = JSON.parse(line) as top.TopFrame;
      expect(f.cpuPercent).toHaveLength(cpuLines());
      expect(f.virtualMemory.total).toBe(virtualMemory().total);
      expect(f.processes).toHaveLength(5);
      expect(f.processCount).toBe(Object.values(f.statuses).reduce((a, b) => a + b, 0));
      const mem = f.processes.map((p) => p.memoryPercent ?? -1);
      for (let i = 1; i < mem.length; i++) expect(mem[i - 1]!).toBeGreaterThanOrEqual(mem[i]!);
      expect(Math.abs(f.uptime - uptime())).toBeLessThan(5);
    }
  });

  it('on a terminal: alternate screen, frames cut to the width, q quits and restores the terminal', async () => {
    const stdin = new EventEmitter() as EventEmitter & KeySource & { raw: boolean[] };
    stdin.isTTY = true;
    stdin.raw = [];
    stdin.setRawMode = (m: boolean) => stdin.raw.push(m);
    stdin.resume = () => stdin;
    stdin.pause = () => stdin;
    let out = '';
    let frames = 0;
    const io: CliIo = {
      stdout: {
        isTTY: true,
        columns: 60,
        rows: 15,
        write(s: string) {
          out += s;
          if (s.includes('PID')) {
            frames++;
            if (frames === 2) setImmediate(() => stdin.emit('data', Buffer.from('q')));
          }
          return true;
        },
      },
      stderr: { write: () => true },
      stdin,
    };
    const code = await top.run(['--interval', '0.1'], io);
    expect(code).toBe(0);
    expect(frames).toBe(2); // q stopped it before a third refresh
    expect(stdin.raw).toEqual([true, false]);
    expect(out.startsWith('\x1b[?1049h\x1b[?25l')).toBe(true);
    expect(out.endsWith('\x1b[?25h\x1b[?1049l')).toBe(true);
    // Every screen line fits in 60 columns and each frame in 15 rows.
    const frame = out.split('\x1b[H').at(-1)!;
    // eslint-disable-next-line no-control-regex
    const visible = frame.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\n');
    expect(visible.length).toBeLessThanOrEqual(15);
    for (const l of visible) expect(l.length).toBeLessThanOrEqual(60);
    expect(visible.some((l) => l.startsWith('PID '))).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 300);
    const res = await runCli(top, ['--interval', '60'], { signal: ctl.signal });
    expect(res.code).toBe(0);
    expect(res.out).toBe(''); // aborted during the first interval: no frame
  });

  it('--help exits 0; bad flags and values exit 2 with a message', async () => {
    const help = await runCli(top, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hostprobe top');
    for (const [args, msg] of [
      [['--iterations', '0'], 'option --iterations expects an integer >= 1'],
      [['--interval', 'fast'], 'option --interval expects a number'],
      [['--sort', 'colour'], "invalid --sort key 'colour'"],
      [['--refresh'], "Unknown option '--refresh'"],
    ] as const) {
      const r = await runCli(top, [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toContain(msg);
      expect(r.out).toBe('');
    }
  });
});
