// The six utilities through the built `hostprobe` entry point (dist/cli/main.js): --help
// exits 0, a bad flag exits 2 with the message on stderr, and `top` on a real
// pseudo-terminal (util-linux `script`) draws in the alternate screen and quits on `q`;
// `df` exits (status 1, the mount shown as "?") while a FUSE mount's statfs never returns.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { CLI, haveCli } from '../helpers/agent.js';
import { FIXTURES, IN_CI, haveTool, tool } from '../helpers/tools.js';

const COMMANDS = ['ifconfig', 'free', 'df', 'ps', 'netstat', 'top'] as const;
const script = tool('script', 'apt-get install util-linux');

function hostprobe(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hostprobe <utility> through the entry point', () => {
  it('lists each utility with its summary in the top-level help', () => {
    if (!haveCli()) return;
    const r = hostprobe(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S.*like`, 'm'));
  });

  for (const c of COMMANDS) {
    it(`${c}: --help exits 0, a bad flag exits 2 with a message`, () => {
      if (!haveCli()) return;
      const help = hostprobe([c, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout.startsWith(`Usage: hostprobe ${c}`)).toBe(true);
      const bad = hostprobe([c, '--no-such-flag']);
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr.startsWith(`hostprobe ${c}: Unknown option '--no-such-flag'`)).toBe(true);
      expect(bad.stderr.endsWith(`\nTry 'hostprobe ${c} --help' for more information.\n`)).toBe(true);
    });
  }

  it('free -b and df print tables to a pipe and exit 0', () => {
    if (!haveCli()) return;
    const free = hostprobe(['free', '-b']);
    expect(free.status).toBe(0);
    expect(free.stdout.split('\n')[1]).toMatch(/^Mem: +\d+ +\d+ +\d+ +\d+ +\d+ +\d+$/);
    const df = hostprobe(['df']);
    expect(df.status).toBe(0);
    expect(df.stdout).toMatch(/^Device +Total +Used +Free +Use% +Type Mount$/m);
  });

  it('top on a real terminal: alternate screen, frames, q quits with status 0', async () => {
    if (!haveCli() || !haveTool(script)) return;
    const child = spawn(script.path, ['-qfec', `${process.execPath} ${CLI} top --interval 0.2`, '/dev/null'], {
      env: { ...process.env, TERM: 'xterm', COLUMNS: '100', LINES: '30' },
    });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Quit once two frames have been drawn.
      if (!sent && out.split('PID').length > 2) {
        sent = true;
        child.stdin.write('q');
      }
    });
    // A hung top must not hang the suite: the assertions below then fail.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(guard);
    expect(sent).toBe(true);
    expect(status).toBe(0);
    expect(out).toContain('\x1b[?1049h');
    expect(out).toContain('\x1b[?1049l');
    expect(out).toMatch(/ CPU0 +\[/);
    expect(out).toMatch(/ Load average: \d+\.\d\d/);
  });

  it('df exits with status 1 and shows "?" while a mount\'s statfs never returns', async () => {
    if (!haveCli()) return;
    const py = tool('python3', 'apt-get install python3', ['/usr/bin/python3']);
    if (!haveTool(py)) return;
    if (process.getuid?.() !== 0) {
      if (IN_CI) throw new Error('the stuck-mount test needs root (FUSE mount)');
      console.warn('[skip] the stuck-mount test needs root (FUSE mount)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'hostprobe-cli-entry-stuck-'));
    const fs: ChildProcessWithoutNullStreams = spawn(py.path, [join(FIXTURES, 'disk-fuse', 'stuckfs.py'), dir]);
    try {
      const first = await new Promise<string>((resolve) => createInterface({ input: fs.stdout }).once('line', resolve));
      expect(first).toBe('ready');
      // spawn, not spawnSync: the test must keep running to release the mount if df hung.
      // --all: every mount, including any other test's stuck one (the worker is abandoned).
      const df = spawn(process.execPath, [CLI, 'df', '--all', '--timeout', '0.5']);
      let out = '';
      let err = '';
      df.stdout.on('data', (d: Buffer) => (out += d.toString()));
      df.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const guard = setTimeout(() => df.kill('SIGKILL'), 30_000);
      const status = await new Promise<number | null>((resolve) => df.once('exit', resolve));
      clearTimeout(guard);
      expect(status).toBe(1);
      const row = out.split('\n').find((l) => l.endsWith(` ${dir}`));
      expect(row?.trim().split(/\s+/)).toEqual(['hostprobe-stuckfs', '?', '?', '?', '?', 'fuse.hostprobe', dir]);
      expect(err).toContain(`hostprobe df: ${dir}: statvfs`);
      expect(out).toMatch(/ \/$/m); // the root file system is still listed
    } finally {
      fs.stdin.write('release\n');
      fs.stdin.end();
      await new Promise((r) => (fs.exitCode === null ? fs.once('exit', r) : r(null)));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
