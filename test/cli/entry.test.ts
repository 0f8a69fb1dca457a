// The six utilities through the built `hostprobe` entry point (dist/cli/main.js): --help
// exits 0, a bad flag exits 2 with the message on stderr, and `top` on a real
// pseudo-terminal (util-linux `script`) draws in the alternate screen and quits on `q`.
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, haveCli } from '../agent/helpers.js';
import { haveTool, tool } from '../helpers/tools.js';

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
});
