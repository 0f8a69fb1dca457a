// The CLI as a user meets it, through the built entry point (dist/cli/main.js): a Node
// older than package.json's engines is refused with one line, every flag the top-level
// help names is accepted, and the running agent is `hostprobe` to ps, top and
// process-exporter (/proc/<pid>/comm) while its command line keeps the flags.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, nodeVersionSupported } from '../../src/cli/node-version.js';
import { CLI, freePort, haveCli, httpGet, runCli, startAgent, waitFor } from '../helpers/agent.js';
import { haveTool, type ToolStatus } from '../helpers/tools.js';

/** A Node below the engines floor: ~/.node20 (.ci/install.d/20-node.sh) or an old /usr/bin/node. */
function oldNode(): ToolStatus {
  for (const p of [join(homedir(), '.node20', 'node_modules', '.bin', 'node'), '/usr/bin/node']) {
    if (!existsSync(p)) continue;
    const v = spawnSync(p, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (/^v\d+\./.test(v) && !nodeVersionSupported(v.slice(1))) return { path: p, reason: '' };
  }
  return { path: null, reason: 'no Node below 22 (bash .ci/install.d/20-node.sh installs Node 20 into ~/.node20)' };
}

describe('the Node version', () => {
  it("package.json's engines floor is the one enforced", () => {
    const engines = (JSON.parse(readFileSync(join(CLI, '..', '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } }).engines
      .node;
    expect(engines).toMatch(new RegExp(`^\\^${MIN_NODE.major}\\.${MIN_NODE.minor}\\.0 `));
    expect(nodeVersionSupported('22.15.0')).toBe(true);
    expect(nodeVersionSupported('22.14.9')).toBe(false);
    expect(nodeVersionSupported('24.0.0')).toBe(true);
    expect(nodeVersionSupported('20.20.2')).toBe(false);
    expect(nodeVersionSupported(process.versions.node)).toBe(true);
  });

  it('an older Node is refused at start with one line naming the version needed, for every command', () => {
    const node = oldNode();
    if (!haveCli() || !haveTool(node)) return;
    const running = spawnSync(node.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    for (const args of [[], ['--version'], ['metrics'], ['free']]) {
      const r = spawnSync(node.path, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toBe(`hostprobe: Node.js >= ${MIN_NODE.major}.${MIN_NODE.minor} is required (running ${running})\n`);
      expect(r.status, args.join(' ')).toBe(1);
    }
  });
});

describe('hostprobe --help', () => {
  it('names only flags and commands that work', () => {
    if (!haveCli()) return;
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).not.toContain('--help-flags');
    // Every `hostprobe [command] --flag` the help text shows runs and exits 0.
    const shown = [...help.stdout.matchAll(/hostprobe((?: [a-z][a-z-]*)*(?: --?[a-z][a-z.-]*)+)/g)].map((m) =>
      (m[1] as string).trim().split(' '),
    );
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const args of shown) {
      const r = runCli(args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
    }
    // The flags themselves, as the usage line says (hostprobe agent --help).
    expect(runCli(['agent', '--help']).stdout).toMatch(/^Usage: hostprobe \[flags\]\n[\s\S]*--web\.listen-address/);
    for (const flag of ['--help', '-h', '--version', '-v']) expect(runCli([flag]).status, flag).toBe(0);
  });
});

describe('the process name', () => {
  it('the agent is "hostprobe" in /proc/<pid>/comm, and its cmdline keeps node, the script and the flags', async () => {
    if (!haveCli()) return;
    const port = await freePort();
    const listen = `--web.listen-address=127.0.0.1:${port}`;
    const agent = startAgent([listen]);
    try {
      await waitFor(
        async () => {
          if (agent.proc.exitCode !== null) throw new Error(`agent exited ${agent.proc.exitCode}: ${agent.logs()}`);
          return (await httpGet(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined;
        },
        60_000,
        'the agent',
      );
      const pid = agent.proc.pid as number;
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8')).toBe('hostprobe\n');
      // process-exporter's name: the second field of /proc/<pid>/stat.
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(new RegExp(`^${pid} \\(hostprobe\\) `));
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual([process.execPath, CLI, listen]);
    } finally {
      expect(await agent.stop(), agent.logs()).toBe(0);
    }
  }, 120_000);
});
