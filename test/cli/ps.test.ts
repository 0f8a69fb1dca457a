// `hostprobe ps` on this machine: a sleeper child spawned by the test is listed with its
// pid, user, memory, terminal, state and command line as procps `ps` shows them; every
// process ps sees both before and after is listed; the JSON is the library's scan.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ps from '../../src/cli/commands/ps.js';
import { scanProcesses } from '../../src/index.js';
import { haveTool, tool } from '../helpers/tools.js';
import { cells, runCli } from '../helpers/cli.js';

const psTool = tool('ps', 'apt-get install procps');
const SLEEP_ARG = '4242.5';

let sleeper: ChildProcess;
beforeAll(async () => {
  sleeper = spawn('sleep', [SLEEP_ARG], { stdio: 'ignore' });
  await new Promise((r) => sleeper.once('spawn', r));
  // Wait until the child has exec'd sleep (its comm is no longer node's).
  for (let i = 0; i < 200; i++) {
    const comm = execFileSync('cat', [`/proc/${sleeper.pid}/comm`], { encoding: 'utf8' }).trim();
    if (comm === 'sleep') break;
    await new Promise((r) => setTimeout(r, 10));
  }
});
afterAll(() => {
  sleeper.kill();
});

const HEADER = ['USER', 'PID', '%CPU', '%MEM', 'VSZ', 'RSS', 'TTY', 'STAT', 'START', 'TIME', 'COMMAND'];

function procpsPids(): Set<number> {
  return new Set(
    execFileSync(psTool.path!, ['-e', '-o', 'pid='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim())
      .map(Number),
  );
}

describe('hostprobe ps', () => {
  it('lists the sleeper child with the pid, user, memory, tty, state and command ps shows', async () => {
    if (!haveTool(psTool)) return;
    const res = await runCli(ps, []);
    expect(res.code).toBe(0);
    const rows = cells(res.out);
    expect(rows[0]).toEqual(HEADER);
    const row = rows.find((r) => r[1] === String(sleeper.pid));
    expect(row, `a row for pid ${sleeper.pid}`).toBeDefined();
    const [user, pid, cpu, mem, vsz, rss, tty, stat, start, time, ...command] = row!;
    expect(user).toBe(userInfo().username);
    expect(pid).toBe(String(sleeper.pid));
    expect(command.join(' ')).toBe(`sleep ${SLEEP_ARG}`);
    // procps at the same moment (a sleeping `sleep` does not change these).
    const theirs = execFileSync(
      psTool.path!,
      ['-o', 'user=,pid=,pcpu=,pmem=,vsz=,rss=,tty=,stat=,start=,time=,args=', '-p', String(sleeper.pid)],
      { encoding: 'utf8' },
    )
      .trim()
      .split(/\s+/);
    expect(theirs[0]).toBe(user);
    expect(Number(cpu)).toBeCloseTo(Number(theirs[2]), 0);
    expect(mem).toBe(theirs[3]);
    expect(vsz).toBe(theirs[4]);
    expect(rss).toBe(theirs[5]);
    expect(tty).toBe(theirs[6]);
    expect(stat).toBe(theirs[7]!.replace(/[<NLsl+]+$/, '')); // ps adds modifiers after the letter
    expect(stat).toBe('S');
    // ps -o start= is HH:MM:SS for today; ours is ps aux's HH:MM.
    expect(theirs[8]!.startsWith(start!)).toBe(true);
    expect(time).toBe('0:00');
    expect(theirs[9]).toBe('00:00:00');
    expect(theirs.slice(10).join(' ')).toBe(`sleep ${SLEEP_ARG}`);
  });

  it('prints a command line holding newlines and escapes on one row, as procps does', async () => {
    if (!haveTool(psTool)) return;
    const arg = 'line one\nline two\t\u001b[31m';
    const child = spawn('sh', ['-c', 'sleep 4243.5', 'hostile', arg], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const res = await runCli(ps, ['--pid', String(child.pid)]);
      expect(res.code).toBe(0);
      const lines = res.out.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      const ours = lines[1]!.split(/\s+/).slice(10).join(' ');
      expect(ours).toBe('sh -c sleep 4243.5 hostile line one line two??[31m');
      const theirs = execFileSync(psTool.path!, ['-o', 'args=', '-p', String(child.pid)], { encoding: 'utf8' }).trim();
      expect(ours).toBe(theirs.split(/\s+/).join(' '));
    } finally {
      child.kill();
    }
  });

  it('lists every process ps sees both before and after it', async () => {
    if (!haveTool(psTool)) return;
    const before = procpsPids();
    const res = await runCli(ps, []);
    const after = procpsPids();
    const ours = new Set(
      cells(res.out)
        .slice(1)
        .map((r) => Number(r[1])),
    );
    const stable = [...before].filter((p) => after.has(p));
    expect(stable.length).toBeGreaterThan(10);
    expect(stable).toContain(sleeper.pid);
    for (const p of stable) expect(ours.has(p), `pid ${p}`).toBe(true);
  });

  it('filters by --pid and --user, sorts, and prints JSON rows of the scan', async () => {
    const one = await runCli(ps, ['--pid', `${sleeper.pid},1`, '--json']);
    expect(one.code).toBe(0);
    const rows = JSON.parse(one.out) as ps.PsEntry[];
    expect(rows.map((r) => r.pid)).toEqual([1, sleeper.pid]);
    const lib = (await scanProcesses({ attrs: ['name', 'cmdline', 'username', 'createTime', 'memoryInfo'], pids: [sleeper.pid!] })).get(0);
    const mine = rows[1]!;
    expect(mine.name).toBe('sleep');
    expect(mine.cmdline).toEqual(['sleep', SLEEP_ARG]);
    expect(mine.username).toBe(lib.username);
    expect(mine.createTime).toBe(lib.createTime);
    expect(mine.memoryInfo?.vms).toBe(lib.memoryInfo?.vms);
    expect(mine.key).toBe(lib.key);
    expect(mine.memoryPercent).toBeGreaterThanOrEqual(0);

    const byUser = await runCli(ps, ['--user', userInfo().username]);
    const users = new Set(
      cells(byUser.out)
        .slice(1)
        .map((r) => r[0]),
    );
    expect([...users]).toEqual([userInfo().username]);

    const sorted = await runCli(ps, ['--sort=-rss']);
    const rss = cells(sorted.out)
      .slice(1)
      .map((r) => Number(r[5]))
      .filter((n) => !Number.isNaN(n));
    expect(rss.length).toBeGreaterThan(10);
    for (let i = 1; i < rss.length; i++) expect(rss[i - 1]!).toBeGreaterThanOrEqual(rss[i]!);

    const gone = await runCli(ps, ['--pid', '999999999']);
    expect(gone.code).toBe(1);
    expect(cells(gone.out)).toEqual([HEADER]);
  });

  it('--help exits 0; bad flags and values exit 2 with a message', async () => {
    const help = await runCli(ps, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hostprobe ps');
    const bad = await runCli(ps, ['aux']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("'aux'");
    const badSort = await runCli(ps, ['--sort', 'colour']);
    expect(badSort.code).toBe(2);
    expect(badSort.err).toContain("invalid --sort key 'colour'");
    const badPid = await runCli(ps, ['-p', 'one']);
    expect(badPid.code).toBe(2);
  });
});
