// `hostprobe df` on this machine: sizes agree with coreutils `df -B1` read around it, the
// JSON is the library's data, and a mount whose statfs hangs (a FUSE file system that never
// answers, test/fixtures/disk-fuse/stuckfs.py) is shown as "?" instead of hanging.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import * as df from '../../src/cli/commands/df.js';
import { diskPartitions } from '../../src/index.js';
import { FIXTURES, IN_CI, haveTool, tool } from '../helpers/tools.js';
import { cells, runCli } from '../helpers/cli.js';

const dfTool = tool('df', 'apt-get install coreutils');
const MiB = 1024 * 1024;

interface DfRow {
  source: string;
  size: number;
  used: number;
  avail: number;
  fstype: string;
  target: string;
}

/** `df -B1 [-a]` as rows keyed by mount point (the last mount of a path wins, as statfs sees it). */
function coreutilsDf(all: boolean): Map<string, DfRow> {
  // Other tests may have a stuckfs mounted (fstype fuse.hostprobe): coreutils df would hang
  // on it, so it is excluded by type (df filters types before calling statfs).
  const out = execFileSync(
    dfTool.path!,
    ['-B1', ...(all ? ['-a'] : []), '-x', 'fuse.hostprobe', '--output=source,size,used,avail,fstype,target'],
    { encoding: 'utf8', timeout: 30_000 },
  );
  const rows = new Map<string, DfRow>();
  for (const line of out.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const [source, size, used, avail, fstype, ...target] = f;
    if (size === '-') continue;
    rows.set(target.join(' '), {
      source: source!,
      size: Number(size),
      used: Number(used),
      avail: Number(avail),
      fstype: fstype!,
      target: target.join(' '),
    });
  }
  return rows;
}

interface OurRow {
  device: string;
  total: number;
  used: number;
  free: number;
  pct: string;
  type: string;
  mount: string;
}
function parseOurs(out: string): Map<string, OurRow> {
  const rows = new Map<string, OurRow>();
  const [header, ...body] = cells(out);
  expect(header).toEqual(['Device', 'Total', 'Used', 'Free', 'Use%', 'Type', 'Mount']);
  for (const c of body) {
    const [device, total, used, free, pct, type, ...mount] = c;
    rows.set(mount.join(' '), {
      device: device!,
      total: Number(total),
      used: Number(used),
      free: Number(free),
      pct: pct!,
      type: type!,
      mount: mount.join(' '),
    });
  }
  return rows;
}

function between(v: number, a: number, b: number, slack: number): boolean {
  return v >= Math.min(a, b) - slack && v <= Math.max(a, b) + slack;
}

describe('hostprobe df', () => {
  for (const all of [false, true]) {
    it(`agrees with df -B1${all ? ' -a' : ''} on every mount both list`, async () => {
      if (!haveTool(dfTool)) return;
      const before = coreutilsDf(all);
      // Stuck FUSE mounts other tests may hold are left out by type, as for coreutils df.
      const res = await runCli(df, ['--bytes', '-x', 'fuse.hostprobe', ...(all ? ['--all'] : [])]);
      const after = coreutilsDf(all);
      const ours = parseOurs(res.out);
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      // Our rows are exactly the library's partitions, in its order.
      const parts = diskPartitions({ all }).filter((p) => p.fstype !== 'fuse.hostprobe');
      expect([...new Set(parts.map((p) => p.mountpoint))].sort()).toEqual([...ours.keys()].sort());
      let compared = 0;
      for (const [mount, o] of ours) {
        const b = before.get(mount);
        const a = after.get(mount);
        if (!b || !a) continue; // df hides a device mounted twice; we list every mount
        compared++;
        expect(o.type, mount).toBe(b.fstype);
        // Sizes move while the machine works: allow what moved between the two df runs plus 256 MiB.
        expect(between(o.total, b.size, a.size, 256 * MiB), `${mount} total ${o.total} vs ${b.size}`).toBe(true);
        expect(between(o.used, b.used, a.used, 256 * MiB), `${mount} used ${o.used} vs ${b.used}`).toBe(true);
        expect(between(o.free, b.avail, a.avail, 256 * MiB), `${mount} free ${o.free} vs ${b.avail}`).toBe(true);
        if (o.total > 0) {
          const pct = Number(o.pct.replace('%', ''));
          expect(pct).toBe(Math.ceil((o.used * 100) / (o.used + o.free)));
        }
      }
      // The root file system is always there and always compared.
      expect(ours.has('/')).toBe(true);
      expect(compared).toBeGreaterThan(0);
      if (all) expect(ours.has('/proc')).toBe(true);
    });
  }

  it('shows human sizes by default, like psutil disk_usage.py', async () => {
    const res = await runCli(df, []);
    expect(res.code).toBe(0);
    const root = cells(res.out).find((c) => c[c.length - 1] === '/');
    expect(root).toBeDefined();
    for (const size of root!.slice(1, 4)) expect(size).toMatch(/^\d+\.\d[BKMGTPE]$/);
  });

  it('prints diskPartitions() with each diskUsage() as JSON', async () => {
    const res = await runCli(df, ['--json']);
    expect(res.code).toBe(0);
    const entries = JSON.parse(res.out) as df.DfEntry[];
    expect(entries.map((e) => e.partition)).toEqual(diskPartitions());
    const root = entries.find((e) => e.partition.mountpoint === '/');
    expect(root?.usage?.total).toBeGreaterThan(0);
    expect(root!.usage!.used + root!.usage!.free).toBeLessThanOrEqual(root!.usage!.total);
  });

  it('shows only the file systems of FILE arguments, and filters by type', async () => {
    const res = await runCli(df, ['--bytes', '/proc/self', '/', '/etc/hostname']);
    expect(res.code).toBe(0);
    const rows = parseOurs(res.out);
    // /proc/self is on procfs even without --all; / and /etc/hostname share one row.
    expect([...rows.keys()].sort()).toEqual(['/', '/proc']);
    expect(rows.get('/proc')!.type).toBe('proc');
    const ext = diskPartitions({ all: true }).find((p) => p.mountpoint === '/')!.fstype;
    const byType = parseOurs((await runCli(df, ['--all', '-t', ext])).out);
    expect(byType.size).toBeGreaterThan(0);
    expect([...byType.values()].every((r) => r.type === ext)).toBe(true);
    const without = parseOurs((await runCli(df, ['--all', '-x', ext, '-x', 'fuse.hostprobe'])).out);
    expect([...without.values()].some((r) => r.type === ext)).toBe(false);
    expect(without.has('/proc')).toBe(true);
  });

  it('--help exits 0; bad flags and values exit 2 with a message', async () => {
    const help = await runCli(df, ['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: hostprobe df');
    const bad = await runCli(df, ['--nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("Unknown option '--nope'");
    const badType = await runCli(df, ['-t']);
    expect(badType.code).toBe(2);
    expect(badType.err).toContain("Option '-t, --type <value>' argument missing");
    const badTimeout = await runCli(df, ['--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.err).toContain('option --timeout expects a number');
  });

  describe('with a mount whose statfs never returns', () => {
    let fs: ChildProcessWithoutNullStreams | null = null;
    let dir = '';
    afterAll(async () => {
      if (fs && fs.exitCode === null) {
        fs.stdin.write('release\n');
        fs.stdin.end();
        await new Promise((r) => fs!.once('exit', r));
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('shows it with "?", names it on stderr, exits 1, and shows the others', async () => {
      const py = tool('python3', 'apt-get install python3', ['/usr/bin/python3']);
      if (!haveTool(py)) return;
      if (process.getuid?.() !== 0) {
        if (IN_CI) throw new Error('the stuck-mount test needs root (FUSE mount)');
        console.warn('[skip] the stuck-mount test needs root (FUSE mount)');
        return;
      }
      dir = mkdtempSync(join(tmpdir(), 'hostprobe-cli-stuck-'));
      fs = spawn(py.path, [join(FIXTURES, 'disk-fuse', 'stuckfs.py'), dir]);
      const lines = createInterface({ input: fs.stdout });
      const first = await new Promise<string>((resolve) => lines.once('line', resolve));
      expect(first).toBe('ready');

      // Only this test's mount (a FILE argument), so no other test's stuck mount is touched.
      const res = await runCli(df, ['--bytes', '--timeout', '0.5', dir, '/']);
      expect(res.code).toBe(1);
      expect(res.err).toContain(`hostprobe df: ${dir}:`);
      const ours = parseOurs(res.out);
      const stuck = ours.get(dir);
      expect(stuck).toBeDefined();
      expect(stuck!.device).toBe('hostprobe-stuckfs');
      expect(stuck!.type).toBe('fuse.hostprobe');
      expect([stuck!.total, stuck!.used, stuck!.free].every(Number.isNaN)).toBe(true); // "?" cells
      expect(stuck!.pct).toBe('?');
      expect(ours.get('/')!.total).toBeGreaterThan(0);

      // JSON names the failure too; a second call fails at once (the mount is marked stuck).
      const again = await runCli(df, ['--json', '--timeout', '0.5', dir]);
      const entry = (JSON.parse(again.out) as df.DfEntry[]).find((e) => e.partition.mountpoint === dir);
      expect(entry?.usage).toBeNull();
      expect(entry?.error).toMatch(/statvfs|stuck/);
    });
  });
});
